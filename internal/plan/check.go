package plan

import (
	"ctg/internal/convention"
	"ctg/internal/diagnostic"
	"ctg/internal/field"
)

// Codes of the warnings about a plan.
const (
	WarnFieldUncovered  = "field_uncovered"
	WarnStakeUnanswered = "stake_unanswered"
	WarnNoLead          = "action_without_lead"
)

// Warning is something a plan lacks, said in plain French, with the
// address of the page where it is put right. A warning does not stop
// anything: a plan being written lacks many things.
type Warning struct {
	Code    string `json:"code"`
	Message string `json:"message"`
	Link    string `json:"link"`
}

// Check lists what the plan p of convention c lacks, the gravest first:
// for a CTG, each field every CTG must cover (field.RequiredForCTG) that no
// action covers; each stake of the diagnosis that no action answers; each
// action without a lead. An abandoned action covers and answers nothing,
// and needs no lead.
func Check(c *convention.Convention, p *Plan, stakes []diagnostic.Stake) []Warning {
	out := []Warning{}
	actions := p.Actions()
	planLink := "/conventions/" + c.ID + "/plan"
	if c.Kind == convention.KindCTG {
		covered := map[string]bool{}
		for _, a := range actions {
			if a.Answers() {
				for _, f := range a.Fields {
					covered[f] = true
				}
			}
		}
		for _, f := range field.RequiredForCTG {
			if !covered[f] {
				out = append(out, Warning{Code: WarnFieldUncovered, Link: planLink,
					Message: "Aucune action ne porte sur le champ « " + field.Label(f) + " », que toute CTG doit couvrir."})
			}
		}
	}
	answered := answeredStakes(actions)
	for _, s := range stakes {
		if !answered[s.ID] {
			out = append(out, Warning{Code: WarnStakeUnanswered, Link: "/conventions/" + c.ID + "/constats#enjeu-" + s.ID,
				Message: "L'enjeu « " + s.Title + " » n'a encore aucune action qui y réponde."})
		}
	}
	for _, a := range actions {
		if a.Lead == "" && a.Answers() {
			out = append(out, Warning{Code: WarnNoLead, Link: planLink + "#action-" + a.ID,
				Message: "L'action « " + a.Ref + " — " + a.Title + " » n'a pas de porteur."})
		}
	}
	return out
}

// answeredStakes returns the ids of the stakes some action that counts
// answers.
func answeredStakes(actions []Action) map[string]bool {
	out := map[string]bool{}
	for _, a := range actions {
		if a.Answers() {
			for _, s := range a.Stakes {
				out[s] = true
			}
		}
	}
	return out
}
