// A Temporal dev server for the workflow tests (test/workflows): the Temporal server on an in-memory
// SQLite, recent enough (1.32) to skip time for a workflow that asks for it (TimeSkippingConfig,
// behind the namespace setting frontend.WorkflowTimeSkippingEnabled).
//
// Why it exists: the SDK's time-skipping test server is a Java binary the SDK downloads at run time,
// and the Temporal CLI with a 1.32 server (CLI 1.9) cannot be built from the Go module proxy (its
// cliext module is not served). The server module itself is served, so this program is built from
// it by scripts/setup-temporal-cli.mjs.
//
// It takes the CLI's `server start-dev` flags that @temporalio/testing's createLocal passes
// (--ip, --port, --namespace, --search-attribute, --dynamic-config-value, --log-format, --log-level,
// --headless), so TestWorkflowEnvironment can run it as an existing-path executable.
//
// The server setup follows go.temporal.io/server/temporaltest/internal/lite_server.go (MIT).
package main

import (
	"encoding/json"
	"fmt"
	"math/rand"
	"os"
	"os/signal"
	"strconv"
	"strings"
	"syscall"
	"time"

	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/server/common/authorization"
	"go.temporal.io/server/common/cluster"
	"go.temporal.io/server/common/config"
	"go.temporal.io/server/common/dynamicconfig"
	"go.temporal.io/server/common/log"
	"go.temporal.io/server/common/metrics"
	sqliteplugin "go.temporal.io/server/common/persistence/sql/sqlplugin/sqlite"
	"go.temporal.io/server/common/testing/freeport"
	"go.temporal.io/server/schema/sqlite"
	"go.temporal.io/server/temporal"
)

var attributeTypes = map[string]enumspb.IndexedValueType{
	"text":        enumspb.INDEXED_VALUE_TYPE_TEXT,
	"keyword":     enumspb.INDEXED_VALUE_TYPE_KEYWORD,
	"int":         enumspb.INDEXED_VALUE_TYPE_INT,
	"double":      enumspb.INDEXED_VALUE_TYPE_DOUBLE,
	"bool":        enumspb.INDEXED_VALUE_TYPE_BOOL,
	"datetime":    enumspb.INDEXED_VALUE_TYPE_DATETIME,
	"keywordlist": enumspb.INDEXED_VALUE_TYPE_KEYWORD_LIST,
}

func main() {
	if err := run(os.Args[1:]); err != nil {
		fmt.Fprintln(os.Stderr, "workflow-test-server:", err)
		os.Exit(1)
	}
}

// startDevFlags is what the workflow tests need of the CLI's `server start-dev` flags.
type startDevFlags struct {
	ip                              string
	port                            int
	logLevel                        string
	namespaces, attributes, dynamic []string
}

// parseFlags reads `server start-dev` flags; flags of the CLI this server has no use for (the UI,
// the log format, a database file) are accepted and ignored, with their value when they have one.
func parseFlags(args []string) (startDevFlags, error) {
	f := startDevFlags{ip: "127.0.0.1", logLevel: "warn"}
	if len(args) >= 2 && args[0] == "server" && args[1] == "start-dev" {
		args = args[2:]
	}
	for i := 0; i < len(args); i++ {
		name, value, inline := strings.Cut(strings.TrimLeft(args[i], "-"), "=")
		if !strings.HasPrefix(args[i], "-") {
			return f, fmt.Errorf("unexpected argument %q", args[i])
		}
		if !inline && i+1 < len(args) && !strings.HasPrefix(args[i+1], "-") {
			value = args[i+1]
			i++
		}
		switch name {
		case "ip":
			f.ip = value
		case "port", "p":
			p, err := strconv.Atoi(value)
			if err != nil {
				return f, fmt.Errorf("--port %q: %w", value, err)
			}
			f.port = p
		case "log-level":
			f.logLevel = value
		case "namespace", "n":
			f.namespaces = append(f.namespaces, value)
		case "search-attribute":
			f.attributes = append(f.attributes, value)
		case "dynamic-config-value":
			f.dynamic = append(f.dynamic, value)
		case "db-filename":
			if value != "" {
				return f, fmt.Errorf("--db-filename: this server keeps its state in memory only")
			}
		}
	}
	if len(f.namespaces) == 0 {
		f.namespaces = []string{"default"}
	}
	if f.port == 0 {
		f.port = freeport.MustGetFreePort()
	}
	return f, nil
}

func run(args []string) error {
	flags, err := parseFlags(args)
	if err != nil {
		return err
	}
	ip, port, logLevel := &flags.ip, &flags.port, &flags.logLevel
	namespaces, attributes, dynamic := flags.namespaces, flags.attributes, flags.dynamic

	searchAttributes := map[string]enumspb.IndexedValueType{}
	for _, a := range attributes {
		name, typ, ok := strings.Cut(a, "=")
		t, known := attributeTypes[strings.ToLower(typ)]
		if !ok || !known {
			return fmt.Errorf("search attribute %q: want Name=Type with Type one of Text, Keyword, Int, Double, Bool, Datetime, KeywordList", a)
		}
		searchAttributes[name] = t
	}
	dc := dynamicconfig.StaticClient{
		dynamicconfig.ForceSearchAttributesCacheRefreshOnRead.Key(): true,
	}
	for _, d := range dynamic {
		key, raw, ok := strings.Cut(d, "=")
		if !ok {
			return fmt.Errorf("dynamic config value %q: want key=value", d)
		}
		var value any
		if err := json.Unmarshal([]byte(raw), &value); err != nil {
			value = raw // a bare string
		}
		if f, isNumber := value.(float64); isNumber && f == float64(int64(f)) {
			value = int(f)
		}
		dc[dynamicconfig.MakeKey(key)] = value
	}

	cfg := serverConfig(*ip, *port)
	sqlConfig := cfg.Persistence.DataStores[sqliteplugin.PluginName].SQL
	var nsConfigs []*sqlite.NamespaceConfig
	for _, ns := range namespaces {
		c, err := sqlite.NewNamespaceConfig(cfg.ClusterMetadata.CurrentClusterName, ns, false, searchAttributes)
		if err != nil {
			return fmt.Errorf("namespace %s: %w", ns, err)
		}
		nsConfigs = append(nsConfigs, c)
	}
	if err := sqlite.CreateNamespaces(sqlConfig, nsConfigs...); err != nil {
		return fmt.Errorf("creating namespaces: %w", err)
	}

	logger := log.NewZapLogger(log.BuildZapLogger(log.Config{Stdout: false, Level: *logLevel}))
	authorizer, err := authorization.GetAuthorizerFromConfig(&cfg.Global.Authorization)
	if err != nil {
		return err
	}
	claimMapper, err := authorization.GetClaimMapperFromConfig(&cfg.Global.Authorization, logger)
	if err != nil {
		return err
	}
	server, err := temporal.NewServer(
		temporal.WithConfig(cfg),
		temporal.ForServices(temporal.DefaultServices),
		temporal.WithLogger(logger),
		temporal.WithAuthorizer(authorizer),
		temporal.WithClaimMapper(func(*config.Config) authorization.ClaimMapper { return claimMapper }),
		temporal.WithDynamicConfigClient(dc),
	)
	if err != nil {
		return err
	}
	if err := server.Start(); err != nil {
		return err
	}
	fmt.Fprintf(os.Stderr, "workflow-test-server: serving on %s:%d\n", *ip, *port)

	stop := make(chan os.Signal, 1)
	signal.Notify(stop, syscall.SIGINT, syscall.SIGTERM)
	<-stop
	return server.Stop()
}

func serverConfig(ip string, port int) *config.Config {
	const local = "127.0.0.1"
	service := func(grpcPort int, bindIP string) config.Service {
		rpc := config.RPC{GRPCPort: grpcPort, MembershipPort: freeport.MustGetFreePort(), BindOnLocalHost: bindIP == ""}
		if bindIP != "" {
			rpc.BindOnIP = bindIP
		}
		return config.Service{RPC: rpc}
	}
	cfg := &config.Config{}
	cfg.Global.Membership = config.Membership{MaxJoinDuration: 30 * time.Second, BroadcastAddress: local}
	cfg.Global.Metrics = &metrics.Config{Prometheus: &metrics.PrometheusConfig{ListenAddress: fmt.Sprintf("%s:%d", local, freeport.MustGetFreePort()), HandlerPath: "/metrics"}}
	cfg.Global.PProf = config.PProf{Port: freeport.MustGetFreePort()}
	cfg.Persistence = config.Persistence{
		DefaultStore:     sqliteplugin.PluginName,
		VisibilityStore:  sqliteplugin.PluginName,
		NumHistoryShards: 1,
		DataStores: map[string]config.DataStore{
			sqliteplugin.PluginName: {SQL: &config.SQL{
				PluginName:        sqliteplugin.PluginName,
				ConnectAttributes: map[string]string{"mode": "memory", "cache": "shared"},
				DatabaseName:      fmt.Sprintf("%d", rand.Intn(9_999_999)),
			}},
		},
	}
	cfg.ClusterMetadata = &cluster.Config{
		EnableGlobalNamespace:    false,
		FailoverVersionIncrement: 10,
		MasterClusterName:        "active",
		CurrentClusterName:       "active",
		ClusterInformation: map[string]cluster.ClusterInformation{
			"active": {Enabled: true, InitialFailoverVersion: 1, RPCAddress: fmt.Sprintf("%s:%d", local, port)},
		},
	}
	cfg.DCRedirectionPolicy = config.DCRedirectionPolicy{Policy: "noop"}
	cfg.Services = map[string]config.Service{
		"frontend": service(port, ip),
		"history":  service(freeport.MustGetFreePort(), ""),
		"matching": service(freeport.MustGetFreePort(), ""),
		"worker":   service(freeport.MustGetFreePort(), ""),
	}
	cfg.Archival = config.Archival{
		History:    config.HistoryArchival{State: "disabled"},
		Visibility: config.VisibilityArchival{State: "disabled"},
	}
	cfg.PublicClient = config.PublicClient{HostPort: fmt.Sprintf("%s:%d", local, port)}
	cfg.NamespaceDefaults = config.NamespaceDefaults{
		Archival: config.ArchivalNamespaceDefaults{
			History:    config.HistoryArchivalNamespaceDefaults{State: "disabled"},
			Visibility: config.VisibilityArchivalNamespaceDefaults{State: "disabled"},
		},
	}
	return cfg
}
