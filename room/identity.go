package room

import (
	"crypto/ed25519"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
)

// Participant is one laptop in the room, as the room shows it: the name it
// gave last, its id, and what its latest outcome said about the machine.
type Participant struct {
	Name  string `json:"name"`
	ID    string `json:"id"`
	Cores int    `json:"cores"`
	OS    string `json:"os"`
	Arch  string `json:"arch"`
	Sent  int    `json:"sent"` // outcomes stored, reruns included
}

// Identity is a participant's key pair: its private half never leaves the
// participant's machine.
type Identity struct{ key ed25519.PrivateKey }

// ID is the participant's id as the room shows it: 16 hex digits of the
// public key's SHA-256.
func (id Identity) ID() string { return idOf(id.key.Public().(ed25519.PublicKey)) }

func idOf(pub ed25519.PublicKey) string {
	sum := sha256.Sum256(pub)
	return hex.EncodeToString(sum[:8])
}

// IdentityFile is where this user's identity is kept:
// concurrencylab/room-identity in the user's config folder.
func IdentityFile() (string, error) {
	dir, err := os.UserConfigDir()
	if err != nil {
		return "", fmt.Errorf("no config folder for the participant's id: %w", err)
	}
	return filepath.Join(dir, "concurrencylab", "room-identity"), nil
}

// LoadIdentity reads the identity in file, making a new random one there
// the first time ("" is IdentityFile()).
func LoadIdentity(file string) (Identity, error) {
	if file == "" {
		f, err := IdentityFile()
		if err != nil {
			return Identity{}, err
		}
		file = f
	}
	b, err := os.ReadFile(file)
	switch {
	case err == nil:
		seed, err := hex.DecodeString(string(trimSpace(b)))
		if err != nil || len(seed) != ed25519.SeedSize {
			return Identity{}, fmt.Errorf("%s is not a participant id: remove it and a new one is made", file)
		}
		return Identity{ed25519.NewKeyFromSeed(seed)}, nil
	case !errors.Is(err, fs.ErrNotExist):
		return Identity{}, err
	}
	seed := make([]byte, ed25519.SeedSize)
	rand.Read(seed)
	if err := os.MkdirAll(filepath.Dir(file), 0o700); err != nil {
		return Identity{}, err
	}
	// Readable by this user only: the key is this participant's alone.
	if err := writeFile(file, []byte(hex.EncodeToString(seed)+"\n"), 0o600); err != nil {
		return Identity{}, err
	}
	return Identity{ed25519.NewKeyFromSeed(seed)}, nil
}

func trimSpace(b []byte) []byte {
	for len(b) > 0 && (b[len(b)-1] == '\n' || b[len(b)-1] == '\r' || b[len(b)-1] == ' ') {
		b = b[:len(b)-1]
	}
	return b
}

// seal signs m as id.
func (id Identity) seal(m message) ([]byte, error) {
	body, err := jsonMarshal(m)
	if err != nil {
		return nil, err
	}
	return jsonMarshal(envelope{Key: id.key.Public().(ed25519.PublicKey), Sig: ed25519.Sign(id.key, body), Body: body})
}

// open checks an envelope's signature and returns its message and the
// sender's id.
func open(data []byte) (message, string, error) {
	var e envelope
	var m message
	if err := jsonUnmarshal(data, &e); err != nil {
		return m, "", fmt.Errorf("%w: %v", errMalformed, err)
	}
	if len(e.Key) != ed25519.PublicKeySize || !ed25519.Verify(e.Key, e.Body, e.Sig) {
		return m, "", errSignature
	}
	if err := jsonUnmarshal(e.Body, &m); err != nil {
		return m, "", fmt.Errorf("%w: %v", errMalformed, err)
	}
	return m, idOf(e.Key), nil
}
