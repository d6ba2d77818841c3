package jigsaw

import "testing"

func TestSlugify(t *testing.T) {
	for in, want := range map[string]string{
		"Airedale NHS Foundation Trust":             "airedale-nhs-foundation-trust",
		"Guy's and St Thomas' NHS Foundation Trust": "guys-and-st-thomas-nhs-foundation-trust",
		"Ysbyty Môn":                             "ysbyty-mon",
		"Bwrdd Iechyd Prifysgol Betsi Cadwaladr": "bwrdd-iechyd-prifysgol-betsi-cadwaladr",
		"Serco & Sodexo (UK) Ltd.":               "serco-and-sodexo-uk-ltd",
		"Ça Va Clinic – Évry":                    "ca-va-clinic-evry",
		"  --  ":                                 "",
	} {
		if got := Slugify(in); got != want {
			t.Errorf("Slugify(%q) = %q, want %q", in, got, want)
		}
	}
}
