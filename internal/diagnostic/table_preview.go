package diagnostic

// Preview is what a person sees of a file before choosing how its columns
// map to indicators: how it was read, its first rows, the commune column
// found, the codes proposed for the headers known, and the year they name.
type Preview struct {
	Format    string
	Encoding  string
	Separator string
	Headers   []string
	// HeaderLine is the line of the headers in the file (1 unless title
	// lines come first).
	HeaderLine int
	Rows       []Row // the first rows
	TotalRows  int
	// GeoColumn is the index of the commune column, -1 when none is found.
	GeoColumn int
	// Suggested maps headers to the indicator codes SuggestMapping proposes.
	Suggested map[string]string
	// Year is the year the suggested headers name, 0 when they name none
	// or several.
	Year int
}

// Preview returns the preview of t with its first n rows.
func (t *Table) Preview(n int) Preview {
	p := Preview{Format: t.Format, Encoding: t.Encoding, Separator: t.Separator, Headers: t.Headers,
		HeaderLine: t.HeaderLine, Rows: t.Rows[:min(n, len(t.Rows))], TotalRows: len(t.Rows), GeoColumn: -1,
		Suggested: SuggestMapping(t.Headers)}
	if i, ok := FindGeoColumn(t.Headers); ok {
		p.GeoColumn = i
		delete(p.Suggested, t.Headers[i])
	}
	years := map[int]bool{}
	for h := range p.Suggested {
		if y, ok := YearOfHeader(h); ok {
			years[y] = true
		}
	}
	if len(years) == 1 {
		for y := range years {
			p.Year = y
		}
	}
	return p
}
