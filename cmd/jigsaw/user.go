package main

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"
	"time"

	"jigsaw"
	"jigsaw/internal/auth"
	"jigsaw/internal/config"
)

func runUser(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		fmt.Fprint(stderr, "Usage: jigsaw user add EMAIL --role admin|moderator|editor [--password-stdin]\n       jigsaw user token EMAIL\n")
		return errUsage
	}
	switch args[0] {
	case "add":
		return runUserAdd(ctx, args[1:], stdin, stdout, stderr)
	case "token":
		return runUserToken(ctx, args[1:], stdout, stderr)
	}
	fmt.Fprintf(stderr, "jigsaw user: unknown subcommand %q (want add or token)\n", args[0])
	return errUsage
}

// parseWithEmail parses the flags and the one EMAIL argument, which may
// come before or after them.
func parseWithEmail(fs *flag.FlagSet, args []string) (string, error) {
	var email string
	if len(args) > 0 && !strings.HasPrefix(args[0], "-") {
		email, args = args[0], args[1:]
	}
	if err := config.Parse(fs, args); err != nil {
		return "", errUsage
	}
	if email == "" && fs.NArg() == 1 {
		return fs.Arg(0), nil
	}
	if fs.NArg() > 0 || email == "" {
		fmt.Fprintf(fs.Output(), "jigsaw %s: give exactly one EMAIL\n", fs.Name())
		fs.Usage()
		return "", errUsage
	}
	return email, nil
}

func runUserAdd(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	var cfg config.Config
	var role string
	var fromStdin bool
	fs := newFlagSet("user add", stderr, "user add EMAIL --role admin|moderator|editor [--password-stdin] [--base-url URL] [--db …]")
	config.DBFlag(fs, &cfg.DB)
	fs.StringVar(&cfg.BaseURL, "base-url", "http://127.0.0.1:8080", "public URL of the instance, for the set-password link")
	fs.StringVar(&role, "role", "", "admin, moderator or editor")
	fs.BoolVar(&fromStdin, "password-stdin", false, "read the password from the first line of standard input")
	email, err := parseWithEmail(fs, args)
	if err != nil {
		return err
	}
	var password string
	if fromStdin {
		line, err := bufio.NewReader(stdin).ReadString('\n')
		if err != nil && !errors.Is(err, io.EOF) {
			return fmt.Errorf("read password: %w", err)
		}
		password = strings.TrimRight(line, "\r\n")
		if len([]rune(password)) < auth.MinPasswordLength {
			return fmt.Errorf("the password must be at least %d characters", auth.MinPasswordLength)
		}
	}
	db, err := openDB(ctx, cfg.DB)
	if err != nil {
		return err
	}
	defer db.Close()
	if _, err := db.Migrate(ctx, nil); err != nil {
		return err
	}
	u := &jigsaw.User{Email: email, Role: jigsaw.Role(role)}
	if err := db.CreateUser(ctx, u); err != nil {
		return err
	}
	db.RecordAudit(ctx, &jigsaw.AuditEntry{Actor: "command line", Action: "user-create", ObjectType: "user", ObjectID: u.ID, Detail: u.Email + " as " + role})
	if fromStdin {
		hash, err := auth.HashPassword(password)
		if err != nil {
			return err
		}
		if err := db.SetPasswordHash(ctx, u.ID, hash); err != nil {
			return err
		}
		fmt.Fprintf(stdout, "Added %s as %s.\n", u.Email, u.Role)
		return nil
	}
	token, err := (&auth.Service{DB: db}).NewPasswordReset(ctx, u, 7*24*time.Hour)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "Added %s as %s. Send them this link to set their password (it works once, for 7 days):\n%s/password/reset?t=%s\n",
		u.Email, u.Role, strings.TrimSuffix(cfg.BaseURL, "/"), token)
	return nil
}

func runUserToken(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	var cfg config.Config
	var name string
	fs := newFlagSet("user token", stderr, "user token EMAIL [--name TEXT] [--db …]")
	config.DBFlag(fs, &cfg.DB)
	fs.StringVar(&name, "name", "command line", "what the token is for")
	email, err := parseWithEmail(fs, args)
	if err != nil {
		return err
	}
	db, err := openDB(ctx, cfg.DB)
	if err != nil {
		return err
	}
	defer db.Close()
	if err := db.CheckSchema(ctx); err != nil {
		return err
	}
	u, err := db.FindUserByEmail(ctx, email)
	if err != nil {
		return fmt.Errorf("no user %s", email)
	}
	token, err := (&auth.Service{DB: db}).CreateAPIToken(ctx, u, name)
	if err != nil {
		return err
	}
	fmt.Fprintln(stdout, token)
	return nil
}
