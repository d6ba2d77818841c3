package store

import (
	"context"
	"crypto/tls"
	"database/sql"
	"errors"
	"fmt"
	"net"
	"strings"
	"syscall"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/stdlib"

	"jigsaw"
)

// openPostgres connects to the database at the postgres:// URL dsn.
func openPostgres(ctx context.Context, dsn string) (*DB, error) {
	cfg, err := pgx.ParseConfig(dsn)
	if err != nil {
		// pgx's message may quote the URL, password and all: say only what kind
		// of mistake it is.
		return nil, jigsaw.Errorf(jigsaw.EINVALID, "The PostgreSQL URL in --db is malformed.")
	}
	desc := fmt.Sprintf("PostgreSQL database %q on %s:%d", cfg.Database, cfg.Host, cfg.Port)
	// Named in pg_stat_activity, unless the URL names them otherwise; the
	// session holding a server's lock is "jigsaw serve" (ServeLock).
	if cfg.RuntimeParams["application_name"] == "" {
		cfg.RuntimeParams["application_name"] = "jigsaw"
	}
	sqldb := pgPool(cfg, 20)
	pctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	if err := sqldb.PingContext(pctx); err != nil {
		sqldb.Close()
		return nil, withDetail(jigsaw.Errorf(jigsaw.EUNAVAILABLE, "Cannot reach %s as user %q: %s.", desc, cfg.User, pgReason(err)), err)
	}
	// Writes whose loss in a crash harms nobody (LazyTx) go through
	// connections that do not wait for the disk at commit, so that a
	// one-statement write commits in its only round trip.
	lcfg := cfg.Copy()
	lcfg.RuntimeParams["synchronous_commit"] = "off"
	db := &DB{Engine: Postgres, read: sqldb, write: sqldb, lazy: pgPool(lcfg, 4), desc: desc, dsn: dsn}
	db.pages = newPageBatcher(db.findStoryPages)
	return db, nil
}

// pgPool opens a pool of at most n connections to the database of cfg;
// they are opened when first needed.
func pgPool(cfg *pgx.ConnConfig, n int) *sql.DB {
	p := stdlib.OpenDB(*cfg)
	p.SetMaxOpenConns(n)
	p.SetMaxIdleConns(n)
	p.SetConnMaxIdleTime(5 * time.Minute)
	return p
}

// pgReason says in plain words why the server could not be reached. pgx's
// own text quotes its settings and its stages ("dial error", "failed to
// receive message"), which tell an operator less than these; it stays
// behind the message, for the log.
func pgReason(err error) string {
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		switch pe.Code {
		case "28P01", "28000":
			return "the server refused the user name or password"
		case "3D000":
			return "the database does not exist"
		case "42501":
			return "the user may not connect to that database"
		case "53300":
			return "the server has no connection to spare"
		case "57P03":
			return "the server is starting up or shutting down"
		}
		// The server's own words, which name no password: what it says of
		// its pg_hba.conf, say, is what the operator needs to read.
		return "the server refused: " + pe.Message
	}
	var dns *net.DNSError
	var ne net.Error
	var cert *tls.CertificateVerificationError
	switch {
	case errors.Is(err, syscall.ECONNREFUSED):
		return "nothing is listening there (is PostgreSQL running, on that port?)"
	case errors.As(err, &dns):
		return "the host name is not known"
	case errors.Is(err, syscall.EHOSTUNREACH), errors.Is(err, syscall.ENETUNREACH):
		return "the network cannot reach that host"
	case errors.Is(err, context.DeadlineExceeded), errors.As(err, &ne) && ne.Timeout():
		return "it did not answer in time"
	case errors.As(err, &cert):
		return "its TLS certificate could not be verified (see sslmode in the URL)"
	}
	return "the connection failed"
}

func mapPostgresError(err error) error {
	var pe *pgconn.PgError
	if !errors.As(err, &pe) {
		var ce *pgconn.ConnectError
		if errors.As(err, &ce) {
			return &jigsaw.Error{Code: jigsaw.EUNAVAILABLE, Message: "The database cannot be reached."}
		}
		return err
	}
	switch pe.Code {
	case "23505":
		var fields map[string]string
		if col := constraintColumn(pe.ConstraintName, pe.TableName); col != "" {
			fields = map[string]string{col: "This is already taken."}
		}
		return &jigsaw.Error{Code: jigsaw.ECONFLICT, Message: "That already exists.", Fields: fields}
	case "23503":
		return jigsaw.Errorf(jigsaw.EINVALID, "A referenced record does not exist.")
	case "23502", "23514", "22001", "22003":
		return jigsaw.Errorf(jigsaw.EINVALID, "A value is missing or out of range.")
	case "40001", "40P01":
		return jigsaw.Errorf(jigsaw.ECONFLICT, "The change clashed with another; try again.")
	}
	if strings.HasPrefix(pe.Code, "08") || strings.HasPrefix(pe.Code, "57P") {
		return &jigsaw.Error{Code: jigsaw.EUNAVAILABLE, Message: "The database cannot be reached."}
	}
	return err
}

// constraintColumn derives the column from index names of the form
// table_column or table_column_key.
func constraintColumn(constraint, table string) string {
	c := strings.TrimPrefix(constraint, table+"_")
	c = strings.TrimSuffix(c, "_key")
	if c == constraint || c == "" {
		return ""
	}
	return c
}
