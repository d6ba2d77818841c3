package imports

import "testing"

// Names as the ODS files spell them (etr, epraccur) and how people write
// them.
func TestODSNameTitleCase(t *testing.T) {
	for in, want := range map[string]string{
		"GUY'S AND ST THOMAS' NHS FOUNDATION TRUST":              "Guy's and St Thomas' NHS Foundation Trust",
		"ST PAUL'S MEDICAL CENTRE":                               "St Paul's Medical Centre",
		"ALDER HEY CHILDREN'S NHS FOUNDATION TRUST":              "Alder Hey Children's NHS Foundation Trust",
		"THE NEWCASTLE UPON TYNE HOSPITALS NHS FOUNDATION TRUST": "The Newcastle upon Tyne Hospitals NHS Foundation Trust",
		"NORTH TEES AND HARTLEPOOL NHS FOUNDATION TRUST":         "North Tees and Hartlepool NHS Foundation Trust",
		"STOCKTON-ON-TEES WALK IN CENTRE":                        "Stockton-on-Tees Walk in Centre",
		"ASHTON-UNDER-LYNE GP OUT OF HOURS":                      "Ashton-under-Lyne GP Out of Hours",
		"NHS NORTH EAST AND NORTH CUMBRIA ICB - 00P":             "NHS North East and North Cumbria ICB - 00P",
		"MCKENZIE HOUSE SURGERY":                                 "McKenzie House Surgery",
		"O'NEILL PRACTICE":                                       "O'Neill Practice",
		"HEALTHCARE SERVICES CIC":                                "Healthcare Services CIC",
		"UK HEALTH SECURITY AGENCY":                              "UK Health Security Agency",
		"2GETHER NHS FOUNDATION TRUST":                           "2gether NHS Foundation Trust",
		"ST. HELENS (RAVENHEAD) PCN":                             "St. Helens (Ravenhead) PCN",
		"ÉCOLE  DE SANTÉ":                                        "École de Santé",
		"Already Mixed case'S":                                   "Already Mixed case'S",
	} {
		if got := odsName2Title(in); got != want {
			t.Errorf("%q → %q, want %q", in, got, want)
		}
	}
}
