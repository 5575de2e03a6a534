package web

import (
	"fmt"
	"strings"

	"ctg/internal/convention"
)

// formatChange writes a history value in French for the field it belongs to.
func formatChange(field string, v any) string {
	switch x := v.(type) {
	case nil:
		return "—"
	case string:
		switch field {
		case "status":
			return convention.StatusLabel(x)
		case "kind":
			return convention.KindLabel(x)
		case "start", "end", "signed_on", "date":
			if t, ok := convention.ParseDate(x); ok {
				return t.Format("02/01/2006")
			}
		}
		if x == "" {
			return "—"
		}
		return x
	case float64:
		return groupDigits(int64(x))
	case []any:
		if len(x) == 0 {
			return "aucune"
		}
		parts := make([]string, len(x))
		for i, e := range x {
			parts[i] = fmt.Sprint(e)
		}
		return strings.Join(parts, ", ")
	case map[string]any:
		if field == "perimeter" {
			n := func(k string) int {
				l, _ := x[k].([]any)
				return len(l)
			}
			s := fmt.Sprintf("%d intercommunalité(s), %d commune(s) ajoutée(s)", n("epcis"), n("communes"))
			if e := n("excluded"); e > 0 {
				s += fmt.Sprintf(", %d commune(s) retirée(s)", e)
			}
			return s
		}
	}
	return fmt.Sprint(v)
}

func init() { funcs["change"] = formatChange }
