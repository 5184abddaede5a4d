using System.Text.RegularExpressions;
using Aggregator.Api.Tests.Infrastructure;
using Npgsql;

namespace Aggregator.Api.Tests.Deployment;

/// <summary>
/// The highly available deployments, read as their tools read them (no Docker engine or Kubernetes here):
/// docker-compose.ha.yml (pg_auto_failover's monitor and two nodes, a PgBouncer in front of each node) and
/// k8s/cnpg/ (a CloudNativePG Cluster with a synchronous standby and a PgBouncer Pooler). Every connection string names
/// something the file defines, each kind of connection goes where it must (pooled through PgBouncer; what needs a
/// session, and the migration, to the database itself; figure reads to standbys), and secrets stay where the plain
/// deployment keeps them.
/// </summary>
public sealed partial class HighAvailabilityDeploymentTests
{
    private const string ComposeFile = "docker-compose.ha.yml";
    private const string Pooled = "ConnectionStrings__Aggregator";
    private const string Owner = "ConnectionStrings__AggregatorOwner";
    private const string Direct = "Aggregator__Database__DirectConnectionString";
    private const string Replica = "Aggregator__Database__ReadReplicas__0";
    private static readonly string[] AppServices = ["migrate", "api", "worker"];

    [Fact]
    public void Should_only_set_settings_that_the_service_reads_in_the_high_availability_files()
    {
        var given = AppServices.SelectMany(s => Service(s)["environment"].Entries.Keys.Select(name => ($"compose {s}", name)))
            .Concat(CnpgManifests().Where(IsAppSecret).SelectMany(m => m["stringData"].Entries.Keys.Select(name => ($"cnpg Secret {m["metadata"]["name"]}", name))))
            .Concat(DeploymentFiles.Manifests().Where(m => m["kind"].Text == "Deployment")
                .SelectMany(m => m["spec"]["template"]["spec"]["containers"][0]["env"].Items.Select(e => ($"{m["metadata"]["name"]} env", e["name"].Text!))))
            .ToList();

        Assert.Contains(given, g => g.Item2 == Direct);
        Assert.Contains(given, g => g.Item2 == Replica);
        Assert.All(given, g => Assert.True(BoundSettings.IsBound(g.Item2), $"{g.Item1}: {g.Item2} ({BoundSettings.KeyOf(g.Item2)}) is read nowhere in src/"));
    }

    [Fact]
    public void Should_send_pooled_connections_through_pgbouncer_and_sessions_to_the_nodes_following_the_primary()
    {
        var nodes = ServicesRunning("node");
        var bouncers = Compose()["services"].Entries.Where(s => s.Value["environment"]["DB_HOST"].Exists).ToDictionary(s => s.Key, s => s.Value["environment"]["DB_HOST"].Text!);
        Assert.Equal(2, nodes.Count);
        Assert.Single(ServicesRunning("monitor"));
        // One PgBouncer beside each node, so that whichever node is primary has one in front of it.
        Assert.Equal(nodes.Order(), bouncers.Values.Order());

        foreach (var service in new[] { "api", "worker" })
        {
            var environment = Service(service)["environment"];
            var pooled = ConnectionString(environment[Pooled].Text!);
            Assert.Equal(bouncers.Keys.Order(), Hosts(pooled).Order());
            Assert.Equal(6432, pooled.Port);
            Assert.Equal(TargetSessionAttributes.Primary, pooled.TargetSessionAttributes.ToTargetSessionAttributes());
            Assert.Equal("aggregator_app", pooled.Username);

            var direct = ConnectionString(environment[Direct].Text!);
            Assert.Equal(nodes.Order(), Hosts(direct).Order());
            Assert.Equal(TargetSessionAttributes.Primary, direct.TargetSessionAttributes.ToTargetSessionAttributes());
            Assert.Equal("aggregator_app", direct.Username);
            Assert.Equal(SslMode.Require, direct.SslMode);
        }

        var owner = ConnectionString(Service("migrate")["environment"][Owner].Text!);
        Assert.Equal(nodes.Order(), Hosts(owner).Order());
        Assert.Equal(TargetSessionAttributes.Primary, owner.TargetSessionAttributes.ToTargetSessionAttributes());
        Assert.Equal("aggregator_owner", owner.Username);
        Assert.All(AppServices.Where(s => s != "migrate"), s => Assert.False(Service(s)["environment"][Owner].Exists, $"{s} holds the owner's connection string"));

        // Figure reads may go to either node, preferably a standby; the API checks each answer's generation.
        var replica = ConnectionString(Service("api")["environment"][Replica].Text!);
        Assert.Equal(nodes.Order(), Hosts(replica).Order());
        Assert.Contains(replica.TargetSessionAttributes.ToTargetSessionAttributes(), new[] { TargetSessionAttributes.PreferStandby, TargetSessionAttributes.Standby });
        Assert.False(Service("worker")["environment"][Replica].Exists, "the worker reads no figures for anyone");
    }

    [Fact]
    public void Should_start_the_nodes_in_order_and_the_programs_once_the_migration_has_completed()
    {
        var nodes = ServicesRunning("node");
        var monitor = ServicesRunning("monitor").Single();
        Assert.Equal("service_healthy", Service(nodes[0])["depends_on"][monitor]["condition"].Text);
        // The second node registers after the first is up, so it joins as the synchronous secondary.
        Assert.Equal("service_healthy", Service(nodes[1])["depends_on"][nodes[0]]["condition"].Text);
        Assert.All(nodes, n => Assert.Equal("service_healthy", Service("migrate")["depends_on"][n]["condition"].Text));
        foreach (var service in new[] { "api", "worker" })
            Assert.Equal("service_completed_successfully", Service(service)["depends_on"]["migrate"]["condition"].Text);
        Assert.Equal("false", Service("api")["environment"]["Aggregator__Jobs__RunServer"].Text);

        // The programs run from the same image as the plain compose file's.
        var plain = DeploymentFiles.Compose();
        Assert.All(AppServices, s =>
        {
            Assert.Equal(plain["services"][s]["image"].Text, Service(s)["image"].Text);
            Assert.Equal(plain["services"][s]["command"][0].Text, Service(s)["command"][0].Text);
        });
    }

    [Fact]
    public void Should_give_every_node_what_its_script_requires_and_keep_every_password_in_the_env_file()
    {
        var script = File.ReadAllText(DeploymentFiles.Path("postgres-ha", "pgaf.sh"));
        var required = RequiredVariables().Matches(script).Select(m => m.Groups["name"].Value).Where(n => n != "PGDATA").ToList();
        Assert.Contains("REPLICATION_PASSWORD", required);
        foreach (var service in ServicesRunning("node").Concat(ServicesRunning("monitor")))
            Assert.All(required, name => Assert.True(Service(service)["environment"][name].Exists, $"{service} is not given {name}"));
        foreach (var node in ServicesRunning("node"))
        {
            Assert.True(Service(node)["environment"]["AGGREGATOR_OWNER_PASSWORD"].Exists);
            Assert.True(Service(node)["environment"]["AGGREGATOR_APP_PASSWORD"].Exists);
        }
        // Synchronous: the secondary takes part in the write quorum, and every connection between them needs a password.
        Assert.Contains("--replication-quorum true", script);
        Assert.Equal(2, Regex.Matches(script, "--auth scram-sha-256").Count);
        Assert.Equal(["/usr/local/bin/pgaf.sh"], Dockerfile("postgres-ha").Single("ENTRYPOINT").ExecForm);
        Assert.Equal(["/usr/local/bin/pgbouncer.sh"], Dockerfile("pgbouncer").Single("ENTRYPOINT").ExecForm);
        Assert.Contains("pool_mode = transaction", File.ReadAllText(DeploymentFiles.Path("pgbouncer", "pgbouncer.sh")));

        var compose = File.ReadAllText(DeploymentFiles.Path(ComposeFile));
        var example = DeploymentFiles.EnvExample();
        Assert.All(DeploymentFiles.InterpolatedNames(compose), name => Assert.True(example.ContainsKey(name), $"{name} is not in deploy/.env.example"));
        foreach (var (service, definition) in Compose()["services"].Entries)
        foreach (var (name, value) in definition["environment"].Entries)
        {
            if (name.Contains("PASSWORD", StringComparison.Ordinal) || name.Contains("Key", StringComparison.Ordinal))
                Assert.True(value.Text!.StartsWith("${", StringComparison.Ordinal), $"{service}: {name} is written in the file");
            if (name.StartsWith("ConnectionStrings__", StringComparison.Ordinal) || name.StartsWith("Aggregator__Database__", StringComparison.Ordinal) && name != "Aggregator__Database__AppRole")
                Assert.Matches(@"Password=\$\{[A-Z_]+:\?[^}]*\}$", value.Text!);
        }
    }

    [Fact]
    public void Should_run_the_database_under_cloudnativepg_with_a_synchronous_standby_and_a_transaction_pooler()
    {
        var cluster = CnpgManifests().Single(m => m["kind"].Text == "Cluster");
        var name = cluster["metadata"]["name"].Text!;
        Assert.True(int.Parse(cluster["spec"]["instances"].Text!) >= 2, "a standby to fail over to");
        var synchronous = cluster["spec"]["postgresql"]["synchronous"];
        Assert.True(int.Parse(synchronous["number"].Text!) >= 1, "no synchronous standby");
        Assert.Equal("required", synchronous["dataDurability"].Text);
        Assert.StartsWith("ghcr.io/cloudnative-pg/postgresql:15", cluster["spec"]["imageName"].Text);
        Assert.Contains("CREATE EXTENSION IF NOT EXISTS ltree", cluster["spec"]["bootstrap"]["initdb"]["postInitApplicationSQL"].Items.Select(i => i.Text));

        var pooler = CnpgManifests().Single(m => m["kind"].Text == "Pooler");
        var poolerName = pooler["metadata"]["name"].Text!;
        Assert.Equal(name, pooler["spec"]["cluster"]["name"].Text);
        Assert.NotEqual(name, poolerName);
        Assert.Equal("rw", pooler["spec"]["type"].Text);
        Assert.Equal("transaction", pooler["spec"]["pgbouncer"]["poolMode"].Text);

        // The roles: the owner bootstraps the database, the app role is managed and cannot bypass row-level security.
        var owner = cluster["spec"]["bootstrap"]["initdb"]["owner"].Text!;
        var app = cluster["spec"]["managed"]["roles"].Items.Single();
        Assert.Equal("false", app["bypassrls"].Text);
        Assert.Equal("false", app["superuser"].Text);
        Assert.Equal(owner, BasicAuth(cluster["spec"]["bootstrap"]["initdb"]["secret"]["name"].Text!).User);
        Assert.Equal(app["name"].Text, BasicAuth(app["passwordSecret"]["name"].Text!).User);

        // The app's Secrets: the same names and keys as deploy/k8s/secret.example.yaml, pointed at the operator's services.
        var plainSecrets = DeploymentFiles.Manifests().Where(m => m["kind"].Text == "Secret").ToDictionary(m => m["metadata"]["name"].Text!);
        var secrets = CnpgManifests().Where(IsAppSecret).ToDictionary(m => m["metadata"]["name"].Text!);
        Assert.Equal(plainSecrets.Keys.Order(), secrets.Keys.Order());
        Assert.All(plainSecrets, p => Assert.Empty(p.Value["stringData"].Entries.Keys.Except(secrets[p.Key]["stringData"].Entries.Keys)));

        var values = secrets.Values.SelectMany(s => s["stringData"].Entries).ToDictionary(e => e.Key, e => e.Value.Text!);
        AssertConnection(values[Pooled], poolerName, app["name"].Text!, BasicAuth(app["passwordSecret"]["name"].Text!).Password);
        AssertConnection(values[Direct], $"{name}-rw", app["name"].Text!, BasicAuth(app["passwordSecret"]["name"].Text!).Password);
        AssertConnection(values[Replica], $"{name}-ro", app["name"].Text!, BasicAuth(app["passwordSecret"]["name"].Text!).Password);
        AssertConnection(values[Owner], $"{name}-rw", owner, BasicAuth(cluster["spec"]["bootstrap"]["initdb"]["secret"]["name"].Text!).Password);
        Assert.Single(secrets.Values.Where(s => s["stringData"][Owner].Exists).Single()["stringData"].Entries);

        // The plain manifests take the two optional settings from the app Secret when it has them.
        foreach (var (deployment, keys) in new[] { ("aggregator-api", new[] { Direct, Replica }), ("aggregator-worker", new[] { Direct }) })
        {
            var env = DeploymentFiles.Manifest("Deployment", deployment)["spec"]["template"]["spec"]["containers"][0]["env"].Items;
            Assert.All(keys, key => Assert.Contains(env, e => e["name"].Text == key
                && e["valueFrom"]["secretKeyRef"]["key"].Text == key && e["valueFrom"]["secretKeyRef"]["optional"].Text == "true"));
        }
    }

    private static void AssertConnection(string text, string host, string user, string password)
    {
        var connection = ConnectionString(text);
        Assert.Equal([host], Hosts(connection));
        Assert.Equal(user, connection.Username);
        Assert.Equal(password, connection.Password);
        Assert.Equal("aggregator", connection.Database);
    }

    private (string User, string Password) BasicAuth(string secret)
    {
        var manifest = CnpgManifests().Single(m => m["kind"].Text == "Secret" && m["metadata"]["name"].Text == secret);
        Assert.Equal("kubernetes.io/basic-auth", manifest["type"].Text);
        return (manifest["stringData"]["username"].Text!, manifest["stringData"]["password"].Text!);
    }

    private static bool IsAppSecret(Yaml manifest) => manifest["kind"].Text == "Secret" && manifest["type"].Text == "Opaque";

    private static IReadOnlyList<Yaml> CnpgManifests() => DeploymentFiles.Manifests("k8s/cnpg");

    private static Yaml Compose() => DeploymentFiles.Compose(ComposeFile);

    private static Yaml Service(string name) => Compose()["services"][name];

    private static List<string> ServicesRunning(string command) => Compose()["services"].Entries
        .Where(s => s.Value["command"].Items.FirstOrDefault()?.Text == command && s.Value["build"]["context"].Text == "postgres-ha")
        .Select(s => s.Key).Order(StringComparer.Ordinal).ToList();

    private static DockerStage Dockerfile(string folder) =>
        DeploymentFiles.Dockerfile(DeploymentFiles.Path(folder, "Dockerfile"))[^1];

    /// <summary>A connection string with compose's <c>${…}</c> filled in, as Npgsql reads it.</summary>
    private static NpgsqlConnectionStringBuilder ConnectionString(string text) =>
        new(DeploymentFiles.Interpolate(text, DeploymentFiles.EnvExample()));

    private static List<string> Hosts(NpgsqlConnectionStringBuilder connection) =>
        connection.Host!.Split(',').Select(h => h.Split(':')[0].Trim()).ToList();

    [GeneratedRegex("""\$\{(?<name>[A-Z_]+):\?\}""")]
    private static partial Regex RequiredVariables();
}

internal static class TargetSessionAttributesText
{
    /// <summary>Npgsql's builder keeps the setting as written ("primary", "prefer-standby").</summary>
    public static TargetSessionAttributes ToTargetSessionAttributes(this string? text) => text?.ToLowerInvariant() switch
    {
        "primary" => TargetSessionAttributes.Primary,
        "standby" => TargetSessionAttributes.Standby,
        "prefer-standby" => TargetSessionAttributes.PreferStandby,
        "prefer-primary" => TargetSessionAttributes.PreferPrimary,
        "read-write" => TargetSessionAttributes.ReadWrite,
        "read-only" => TargetSessionAttributes.ReadOnly,
        "any" or null => TargetSessionAttributes.Any,
        _ => throw new ArgumentException($"unknown Target Session Attributes '{text}'"),
    };
}
