// large is a wasip1 command that links a large part of Go's standard library, so
// that its module is well over 8 MB: the "large module" of wasmlint's benchmark
// (bench/run.py builds it into bench/out/large.wasm and caches it there).
//
// It is never run for its behaviour; every package is used for real so that the
// linker keeps its code.
package main

import (
	"archive/tar"
	"archive/zip"
	"bufio"
	"bytes"
	"compress/gzip"
	"compress/zlib"
	"context"
	"crypto/aes"
	"crypto/cipher"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/hmac"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/sha512"
	"crypto/tls"
	"crypto/x509"
	"database/sql"
	"encoding/base64"
	"encoding/csv"
	"encoding/gob"
	"encoding/hex"
	"encoding/json"
	"encoding/pem"
	"encoding/xml"
	"flag"
	"fmt"
	"go/ast"
	"go/format"
	"go/parser"
	"go/token"
	"go/types"
	"html/template"
	"image"
	"image/color"
	"image/gif"
	"image/jpeg"
	"image/png"
	"log/slog"
	"math/big"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/mail"
	"net/smtp"
	"net/url"
	"os"
	"reflect"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"text/tabwriter"
	ttemplate "text/template"
	"time"
	"unicode/utf8"
)

type record struct {
	Name  string            `json:"name" xml:"name"`
	Count int               `json:"count" xml:"count"`
	Tags  map[string]string `json:"tags" xml:"-"`
}

func must(err error) {
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
	}
}

func codecs(out *bytes.Buffer) {
	r := record{Name: "bench", Count: 3, Tags: map[string]string{"a": "b"}}
	j, err := json.Marshal(r)
	must(err)
	var back record
	must(json.Unmarshal(j, &back))
	x, err := xml.Marshal(r)
	must(err)
	must(gob.NewEncoder(out).Encode(r))
	w := csv.NewWriter(out)
	must(w.Write([]string{back.Name, strconv.Itoa(back.Count), hex.EncodeToString(x)}))
	w.Flush()
	out.WriteString(base64.StdEncoding.EncodeToString(j))
	must(pem.Encode(out, &pem.Block{Type: "DATA", Bytes: j}))
	if a, err := mail.ParseAddress("Bench <bench@example.com>"); err == nil {
		out.WriteString(a.Address)
	}
	u, err := url.Parse("https://example.com/a?b=c")
	must(err)
	out.WriteString(u.Query().Get("b"))
	_ = smtp.PlainAuth("", "u", "p", "localhost")
}

func archives(out *bytes.Buffer) {
	zw := zip.NewWriter(out)
	f, err := zw.Create("a.txt")
	must(err)
	_, _ = f.Write([]byte("hello"))
	must(zw.Close())
	tw := tar.NewWriter(out)
	must(tw.WriteHeader(&tar.Header{Name: "a", Mode: 0o600, Size: 1}))
	_, _ = tw.Write([]byte("x"))
	must(tw.Close())
	gz := gzip.NewWriter(out)
	_, _ = gz.Write([]byte("gzip"))
	must(gz.Close())
	zl := zlib.NewWriter(out)
	_, _ = zl.Write([]byte("zlib"))
	must(zl.Close())
	mw := multipart.NewWriter(out)
	must(mw.WriteField("k", "v"))
	must(mw.Close())
}

func cryptos(out *bytes.Buffer) {
	key := make([]byte, 32)
	_, _ = rand.Read(key)
	block, err := aes.NewCipher(key)
	must(err)
	gcm, err := cipher.NewGCM(block)
	must(err)
	nonce := make([]byte, gcm.NonceSize())
	out.Write(gcm.Seal(nil, nonce, []byte("secret"), nil))
	s := sha256.Sum256(key)
	t := sha512.Sum512(key)
	out.Write(s[:])
	out.Write(t[:])
	m := hmac.New(sha256.New, key)
	m.Write(key)
	out.Write(m.Sum(nil))
	if pk, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader); err == nil {
		sig, _ := ecdsa.SignASN1(rand.Reader, pk, s[:])
		out.Write(sig)
		der, _ := x509.MarshalPKIXPublicKey(&pk.PublicKey)
		out.Write(der)
	}
	pub, priv, _ := ed25519.GenerateKey(rand.Reader)
	out.Write(ed25519.Sign(priv, key))
	out.Write(pub)
	if rk, err := rsa.GenerateKey(rand.Reader, 1024); err == nil {
		out.WriteString(rk.N.String())
	}
	pool := x509.NewCertPool()
	cfg := &tls.Config{RootCAs: pool, MinVersion: tls.VersionTLS12}
	out.WriteString(fmt.Sprint(cfg.MinVersion))
	n := new(big.Int).Exp(big.NewInt(3), big.NewInt(200), nil)
	out.WriteString(n.Text(36))
}

func web(out *bytes.Buffer) {
	mux := http.NewServeMux()
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(map[string]string{"path": r.URL.Path})
	})
	rec := httptest.NewRecorder()
	mux.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/x", nil))
	out.Write(rec.Body.Bytes())
	client := &http.Client{Timeout: time.Second}
	if len(os.Args) > 5 {
		resp, err := client.Get(os.Args[5])
		if err == nil {
			_ = resp.Body.Close()
		}
	}
	var db *sql.DB
	if len(os.Args) > 6 {
		db, _ = sql.Open(os.Args[6], "")
		_ = db.PingContext(context.Background())
	}
}

func templates(out *bytes.Buffer) {
	ht := template.Must(template.New("h").Parse(`<p>{{.Name}} {{range $k, $v := .Tags}}{{$k}}={{$v}}{{end}}</p>`))
	must(ht.Execute(out, record{Name: "<b>", Tags: map[string]string{"k": "v"}}))
	tt := ttemplate.Must(ttemplate.New("t").Funcs(ttemplate.FuncMap{"up": strings.ToUpper}).Parse(`{{up .Name}}`))
	must(tt.Execute(out, record{Name: "text"}))
	tw := tabwriter.NewWriter(out, 0, 8, 1, ' ', 0)
	fmt.Fprintln(tw, "a\tb\tc")
	must(tw.Flush())
	re := regexp.MustCompile(`(\w+)@(\w+)\.com`)
	out.WriteString(re.ReplaceAllString("x@y.com", "$2"))
}

func gosrc(out *bytes.Buffer) {
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, "a.go", "package a\nfunc F(x int) int { return x * 2 }\n", parser.ParseComments)
	if err != nil {
		must(err)
		return
	}
	ast.Inspect(f, func(n ast.Node) bool { return true })
	conf := types.Config{}
	_, _ = conf.Check("a", fset, []*ast.File{f}, nil)
	must(format.Node(out, fset, f))
}

func images(out *bytes.Buffer) {
	img := image.NewRGBA(image.Rect(0, 0, 4, 4))
	img.Set(1, 1, color.RGBA{255, 0, 0, 255})
	must(png.Encode(out, img))
	must(jpeg.Encode(out, img, nil))
	must(gif.Encode(out, img, nil))
}

func main() {
	fs := flag.NewFlagSet("large", flag.ContinueOnError)
	verbose := fs.Bool("v", false, "verbose")
	_ = fs.Parse(os.Args[1:])
	var out bytes.Buffer
	codecs(&out)
	archives(&out)
	cryptos(&out)
	web(&out)
	templates(&out)
	gosrc(&out)
	images(&out)
	keys := []string{"b", "a"}
	sort.Strings(keys)
	logger := slog.New(slog.NewJSONHandler(os.Stderr, nil))
	if *verbose {
		logger.Info("done", "bytes", out.Len(), "runes", utf8.RuneCount(out.Bytes()), "type", reflect.TypeOf(out).String())
	}
	w := bufio.NewWriter(os.Stdout)
	fmt.Fprintln(w, out.Len(), keys)
	must(w.Flush())
}
