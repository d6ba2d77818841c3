package jigsaw

import (
	"testing"
	"time"
)

// The postcode is private: its outward half never becomes the public
// district, which comes only from what the teller gave as public.
func TestPostcodeStaysPrivate(t *testing.T) {
	s := &Submission{Postcode: "ze2 9qx", Area: "Shetland"}
	s.Normalize()
	if s.District != "" || s.Postcode != "ZE2 9QX" {
		t.Fatalf("district %q, postcode %q: want no district and the postcode tidied", s.District, s.Postcode)
	}
}

// A byline names the teller only as they consented, with the name they
// chose to publish: never a word guessed from their name.
func TestByline(t *testing.T) {
	for _, tt := range []struct {
		as            PublishAs
		name, publish string
		kind          StoryKind
		area, want    string
	}{
		{PublishFirstNameArea, "Quuxley, Yolanda", "Yolanda", StoryPatient, "Orkney", "Yolanda, Orkney"},
		{PublishFirstNameArea, "Quuxley, Yolanda", "", StoryPatient, "Orkney", "A patient in Orkney"},
		{PublishFirstNameArea, "Quuxley, Yolanda", "Yolanda", StoryStaff, "", "Yolanda"},
		{PublishFullName, "Yolanda Quuxley", "Yo", StoryPatient, "Orkney", "Yolanda Quuxley, Orkney"},
		{PublishWithoutName, "Yolanda Quuxley", "Yolanda", StoryCarer, "Orkney", "A carer in Orkney"},
	} {
		if got := Byline(tt.as, tt.name, tt.publish, tt.kind, tt.area); got != tt.want {
			t.Errorf("Byline(%s, %q, %q, %s, %q) = %q, want %q", tt.as, tt.name, tt.publish, tt.kind, tt.area, got, tt.want)
		}
	}
}

func TestPublishNameIsAskedFor(t *testing.T) {
	s := &Submission{Title: "Eleven hours", Body: "I waited eleven hours on a trolley in the corridor.", Kind: StoryPatient,
		Name: "Quuxley, Yolanda", Email: "y@example.org", PublishAs: PublishFirstNameArea, Agree: true}
	s.Normalize()
	if msg := FieldErrors(s.Validate(func(string) bool { return true }, time.Now()))["publish_name"]; msg == "" {
		t.Fatal("first name and area without a name to publish was accepted")
	}
	s.PublishName = " Yolanda "
	s.Normalize()
	if err := s.Validate(func(string) bool { return true }, time.Now()); err != nil {
		t.Fatalf("with a name to publish: %v", err)
	}
	if got, want := s.PublishAsWording(), "Publish my story with the name “Yolanda” and my area only."; got != want {
		t.Fatalf("consent wording %q, want %q", got, want)
	}
}
