package web

import (
	"fmt"
	"net/http"
	"strings"

	"ctg/internal/convention"
)

// formatChange writes a history value in French for the field it belongs
// to; names maps organisation and convention ids to their names.
func formatChange(field string, v any, names map[string]string) string {
	name := func(id string) string {
		if n, ok := names[id]; ok {
			return n
		}
		return id
	}
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
		return name(x)
	case float64:
		return groupDigits(int64(x))
	case []any:
		if len(x) == 0 {
			return "aucune"
		}
		parts := make([]string, len(x))
		for i, e := range x {
			parts[i] = name(fmt.Sprint(e))
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

// historyNames maps the ids that history entries mention to names.
func (s *Server) historyNames(r *http.Request, entries []convention.Entry) (map[string]string, error) {
	names, err := s.cafNames(r)
	if err != nil {
		return nil, err
	}
	for _, e := range entries {
		for _, key := range []string{"renews"} {
			ch, ok := e.Changes[key]
			if !ok {
				continue
			}
			for _, v := range []any{ch.Before, ch.After} {
				if id, ok := v.(string); ok && id != "" {
					if _, done := names[id]; !done {
						if c, err := s.db.Convention(r.Context(), currentUser(r), id); err == nil {
							names[id] = c.Title
						}
					}
				}
			}
		}
	}
	return names, nil
}
