package web

import (
	"fmt"
	"maps"
	"net/http"
	"slices"
	"strings"
	"time"

	"ctg/internal/convention"
	"ctg/internal/plan"
)

// formatChange writes a history value in French for the field it belongs
// to; names maps organisation and convention ids to their names.
func formatChange(field string, v any, names map[string]string) string {
	if s, ok := diagnosticChange(field, v); ok {
		return s
	}
	if s, ok := budgetChange(field, v); ok {
		return s
	}
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
			// A convention's status, or an action's (its plan or its review).
			if l := convention.StatusLabel(x); l != x {
				return l
			}
			return plan.StatusLabel(x)
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

// historyNames maps to names the organisation and convention ids that the
// history entries mention, and the extra organisation ids given, with one
// query for the organisations.
func (s *Server) historyNames(r *http.Request, entries []convention.Entry, orgs ...string) (map[string]string, error) {
	orgIDs := append([]string(nil), orgs...)
	var convIDs []string
	add := func(list *[]string, v any) {
		switch x := v.(type) {
		case string:
			if x != "" {
				*list = append(*list, x)
			}
		case []any:
			for _, e := range x {
				if id, ok := e.(string); ok && id != "" {
					*list = append(*list, id)
				}
			}
		}
	}
	for _, e := range entries {
		for key, ch := range e.Changes {
			switch key {
			case "caf", "parties":
				add(&orgIDs, ch.Before)
				add(&orgIDs, ch.After)
			case "renews":
				add(&convIDs, ch.Before)
				add(&convIDs, ch.After)
			}
		}
	}
	names := map[string]string{}
	found, err := s.db.OrganisationsByID(r.Context(), orgIDs)
	if err != nil {
		return nil, err
	}
	for _, o := range found {
		names[o.ID] = o.Name
	}
	for _, id := range convIDs {
		if _, done := names[id]; !done {
			if title, err := s.db.ConventionTitle(r.Context(), currentUser(r), id); err == nil {
				names[id] = title
			}
		}
	}
	return names, nil
}

// historyRow is a history entry ready to show: every value already in French.
type historyRow struct {
	At      time.Time
	User    string
	Action  string
	Changes []changeRow
}

type changeRow struct {
	Label, Before, After string
	HasBefore            bool
}

// historyRows prepares entries for the "history" partial, fields in a
// stable order, so that the template only prints strings.
func historyRows(entries []convention.Entry, names map[string]string) []historyRow {
	label := func(k string) string {
		if l, ok := fieldLabels[k]; ok {
			return l
		}
		return k
	}
	out := make([]historyRow, len(entries))
	for i, e := range entries {
		row := historyRow{At: e.At, User: e.User, Action: label(e.Action)}
		for _, k := range slices.Sorted(maps.Keys(e.Changes)) {
			ch := e.Changes[k]
			c := changeRow{Label: label(k), After: formatChange(k, ch.After, names), HasBefore: ch.Before != nil}
			if c.HasBefore {
				c.Before = formatChange(k, ch.Before, names)
			}
			row.Changes = append(row.Changes, c)
		}
		out[i] = row
	}
	return out
}
