package plan

import (
	"slices"

	"ctg/internal/diagnostic"
)

// Trace follows a plan back to its diagnosis and consultation: for each
// stake the actions that answer it, the stakes no action answers, and for
// each action the stakes it answers, the findings it rests on (directly or
// through its stakes) and the workshop proposals behind those findings.
type Trace struct {
	Convention string        `json:"convention"`
	Stakes     []StakeTrace  `json:"stakes"`
	Unanswered []StakeRef    `json:"unanswered"`
	Actions    []ActionTrace `json:"actions"`
}

// StakeRef names a stake in a trace.
type StakeRef struct {
	ID       string   `json:"id"`
	Title    string   `json:"title"`
	Priority int      `json:"priority"`
	Fields   []string `json:"fields"`
}

// ActionRef names an action in a trace.
type ActionRef struct {
	ID     string `json:"id"`
	Ref    string `json:"ref"`
	Title  string `json:"title"`
	Status string `json:"status"`
}

// StakeTrace is a stake with the actions tied to it, abandoned ones
// included (they do not count as answering it: see Action.Answers).
type StakeTrace struct {
	StakeRef
	Actions []ActionRef `json:"actions"`
}

// FindingRef is a finding an action rests on: Direct when the action
// names it, Via the stakes of the action that group it.
type FindingRef struct {
	ID     string   `json:"id"`
	Kind   string   `json:"kind"`
	Field  string   `json:"field"`
	Text   string   `json:"text"`
	Direct bool     `json:"direct"`
	Via    []string `json:"via"`
}

// Proposal is a workshop proposal carried into a finding, with the
// workshop it came from.
type Proposal struct {
	ID            string `json:"id"`
	Text          string `json:"text"`
	Field         string `json:"field"`
	Finding       string `json:"finding"`
	Workshop      string `json:"workshop"`
	WorkshopTitle string `json:"workshop_title"`
	WorkshopDate  string `json:"workshop_date"`
}

// ActionTrace is an action with what it rests on.
type ActionTrace struct {
	ActionRef
	Stakes    []StakeRef   `json:"stakes"`
	Findings  []FindingRef `json:"findings"`
	Proposals []Proposal   `json:"proposals"`
}

// NewTrace builds the trace of plan p from the stakes and findings of its
// convention (in the order to show them) and the proposals carried into
// those findings.
func NewTrace(p *Plan, stakes []diagnostic.Stake, findings []diagnostic.Finding, proposals []Proposal) *Trace {
	t := &Trace{Convention: p.Convention, Stakes: []StakeTrace{}, Unanswered: []StakeRef{}, Actions: []ActionTrace{}}
	actions := p.Actions()
	stakeByID := map[string]*diagnostic.Stake{}
	for i := range stakes {
		stakeByID[stakes[i].ID] = &stakes[i]
	}
	answered := answeredStakes(actions)
	for _, s := range stakes {
		st := StakeTrace{StakeRef: stakeRef(&s), Actions: []ActionRef{}}
		for _, a := range actions {
			if slices.Contains(a.Stakes, s.ID) {
				st.Actions = append(st.Actions, actionRef(&a))
			}
		}
		t.Stakes = append(t.Stakes, st)
		if !answered[s.ID] {
			t.Unanswered = append(t.Unanswered, st.StakeRef)
		}
	}
	byFinding := map[string][]Proposal{}
	for _, pr := range proposals {
		byFinding[pr.Finding] = append(byFinding[pr.Finding], pr)
	}
	for _, a := range actions {
		at := ActionTrace{ActionRef: actionRef(&a), Stakes: []StakeRef{}, Findings: []FindingRef{}, Proposals: []Proposal{}}
		for _, s := range stakes { // in the stakes' order, not the ids'
			if slices.Contains(a.Stakes, s.ID) {
				at.Stakes = append(at.Stakes, stakeRef(&s))
			}
		}
		for _, f := range findings {
			ref := FindingRef{ID: f.ID, Kind: f.Kind, Field: f.Field, Text: f.Text, Direct: slices.Contains(a.Findings, f.ID), Via: []string{}}
			for _, sid := range a.Stakes {
				if s, ok := stakeByID[sid]; ok && slices.Contains(s.Findings, f.ID) {
					ref.Via = append(ref.Via, sid)
				}
			}
			if ref.Direct || len(ref.Via) > 0 {
				at.Findings = append(at.Findings, ref)
				at.Proposals = append(at.Proposals, byFinding[f.ID]...)
			}
		}
		t.Actions = append(t.Actions, at)
	}
	return t
}

func stakeRef(s *diagnostic.Stake) StakeRef {
	return StakeRef{ID: s.ID, Title: s.Title, Priority: s.Priority, Fields: s.Fields}
}

func actionRef(a *Action) ActionRef {
	return ActionRef{ID: a.ID, Ref: a.Ref, Title: a.Title, Status: a.Status}
}
