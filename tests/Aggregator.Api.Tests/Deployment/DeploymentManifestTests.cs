using Aggregator.Api.Tests.Infrastructure;

namespace Aggregator.Api.Tests.Deployment;

/// <summary>
/// deploy/'s Dockerfile, docker-compose.yml and Kubernetes manifests, read as their tools read them (no Docker
/// engine or cluster here): every setting they give is one the service reads, every port and name they refer to
/// exists, the owner's connection string reaches the migration alone, and every pod runs locked down.
/// </summary>
public sealed class DeploymentManifestTests
{
    private static readonly string[] AppServices = ["migrate", "api", "worker"];

    [Fact]
    public void Should_only_set_settings_that_the_service_reads()
    {
        var given = AppServices.SelectMany(s => DeploymentFiles.ComposeService(s)["environment"].Entries.Keys.Select(name => ($"compose {s}", name)))
            .Concat(DeploymentFiles.Manifests().Where(m => m["kind"].Text is "ConfigMap" or "Secret").SelectMany(m =>
                m["data"].Entries.Keys.Concat(m["stringData"].Entries.Keys).Select(name => ($"{m["kind"]} {m["metadata"]["name"]}", name))))
            .Concat(Containers().SelectMany(c => c.Container["env"].Items.Select(e => ($"{c.Workload} env", e["name"].Text!))))
            .ToList();

        Assert.NotEmpty(given);
        Assert.All(given, g => Assert.True(BoundSettings.IsBound(g.Item2), $"{g.Item1}: {g.Item2} ({BoundSettings.KeyOf(g.Item2)}) is read nowhere in src/"));
    }

    [Fact]
    public void Should_give_the_owner_connection_string_to_the_migration_alone()
    {
        const string owner = "ConnectionStrings__AggregatorOwner";
        Assert.Equal(["migrate"], AppServices.Where(s => DeploymentFiles.ComposeService(s)["environment"][owner].Exists));
        Assert.False(DeploymentFiles.ComposeService("migrate")["environment"]["ConnectionStrings__Aggregator"].Exists,
            "the migration needs the app role's name (Aggregator__Database__AppRole), not its password");

        var ownerSecret = DeploymentFiles.Manifests().Single(m => m["kind"].Text == "Secret" && m["stringData"][owner].Exists);
        var secretName = ownerSecret["metadata"]["name"].Text;
        Assert.Single(ownerSecret["stringData"].Entries);
        Assert.All(DeploymentFiles.Manifests().Where(m => m["kind"].Text is "ConfigMap" or "Secret" && m["metadata"]["name"].Text != secretName),
            m => Assert.False(m["stringData"][owner].Exists || m["data"][owner].Exists, $"{m["metadata"]["name"]} holds {owner}"));

        var mounting = Containers().Where(c => IsSecretReference(c.Container, secretName!)).Select(c => c.Kind).Distinct().ToList();
        Assert.Equal(["Job"], mounting);
    }

    [Fact]
    public void Should_keep_every_password_in_the_env_file()
    {
        var compose = File.ReadAllText(DeploymentFiles.Path("docker-compose.yml"));
        var example = DeploymentFiles.EnvExample();

        foreach (var service in AppServices)
        foreach (var (name, value) in DeploymentFiles.ComposeService(service)["environment"].Entries)
        {
            var text = value.Text ?? "";
            if (name.StartsWith("ConnectionStrings__", StringComparison.Ordinal))
                Assert.Matches(@"Password=\$\{[A-Z_]+:\?[^}]*\}$", text);
            if (name.Contains("Key", StringComparison.Ordinal) || name.Contains("Password", StringComparison.Ordinal))
                Assert.StartsWith("${", text);
        }
        Assert.All(DeploymentFiles.InterpolatedNames(compose), name => Assert.True(example.ContainsKey(name), $"{name} is not in deploy/.env.example"));
        Assert.Equal([".env"], DeploymentFiles.ComposeService("postgres")["env_file"].Items.Select(i => i.Text));
        Assert.Contains(".env", File.ReadAllLines(RepositoryPaths.Of(".gitignore")));
        Assert.Contains("**/.env", File.ReadAllLines(RepositoryPaths.Of(".dockerignore")));

        // The postgres service creates the roles from the same file, with the names the connection strings use.
        var init = File.ReadAllText(DeploymentFiles.Path("init-roles.sh"));
        Assert.Contains("$AGGREGATOR_OWNER_PASSWORD", init);
        Assert.Contains("$AGGREGATOR_APP_PASSWORD", init);
        Assert.DoesNotContain("PASSWORD '", init);
        Assert.Contains("CREATE ROLE aggregator_owner", init);
        Assert.Contains("CREATE ROLE aggregator_app LOGIN NOSUPERUSER NOBYPASSRLS", init);
        Assert.Contains(DeploymentFiles.ComposeService("postgres")["volumes"].Items, v => v.Text!.StartsWith("./init-roles.sh:/docker-entrypoint-initdb.d/", StringComparison.Ordinal));
    }

    [Fact]
    public void Should_start_the_api_and_the_worker_once_the_migration_has_completed()
    {
        Assert.Equal("service_healthy", DeploymentFiles.ComposeService("migrate")["depends_on"]["postgres"]["condition"].Text);
        Assert.Equal("no", DeploymentFiles.ComposeService("migrate")["restart"].Text);
        foreach (var service in new[] { "api", "worker" })
        {
            Assert.Equal("service_completed_successfully", DeploymentFiles.ComposeService(service)["depends_on"]["migrate"]["condition"].Text);
            Assert.Equal(["CMD", DeploymentFiles.Dockerfile()[^1].Single("ENTRYPOINT").ExecForm[0], "probe", "/health/ready"],
                DeploymentFiles.ComposeService(service)["healthcheck"]["test"].Items.Select(i => i.Text));
        }
        Assert.Equal(["migrate"], Command("migrate"));
        Assert.Equal(["api"], Command("api"));
        Assert.Equal(["worker"], Command("worker"));
        Assert.Equal("false", DeploymentFiles.ComposeService("api")["environment"]["Aggregator__Jobs__RunServer"].Text);
    }

    [Fact]
    public void Should_build_one_image_that_runs_every_program_as_a_non_root_user()
    {
        var stages = DeploymentFiles.Dockerfile();
        var (build, final) = (stages[0], stages[^1]);
        Assert.True(stages.Count >= 2, "multi-stage: the SDK builds, the runtime image runs");
        Assert.StartsWith("mcr.microsoft.com/dotnet/sdk:", build.From);
        Assert.StartsWith("mcr.microsoft.com/dotnet/aspnet:", final.From);

        // The restore layer: only project and package files are copied before the first restore.
        var firstRestore = build.Instructions.FindIndex(i => i.Keyword == "RUN" && i.Argument.StartsWith("dotnet restore", StringComparison.Ordinal));
        var copiedBefore = build.Instructions.Take(firstRestore).Where(i => i.Keyword == "COPY").SelectMany(i => i.Words[..^1]).ToList();
        Assert.All(copiedBefore, f => Assert.True(f.EndsWith(".csproj", StringComparison.Ordinal) || f.EndsWith(".props", StringComparison.Ordinal), $"{f} is copied before the restore"));
        // Every project of the programs; the typed client is a library for other systems, not part of the image.
        foreach (var project in Directory.GetFiles(RepositoryPaths.Of("src"), "*.csproj", SearchOption.AllDirectories)
                     .Where(p => !p.EndsWith("Aggregator.Client.csproj", StringComparison.Ordinal)))
            Assert.Contains(Path.GetRelativePath(RepositoryPaths.Root, project).Replace('\\', '/'), copiedBefore);
        Assert.All(Directory.GetFiles(RepositoryPaths.Root, "Directory.*.props"), p => Assert.Contains(Path.GetFileName(p), copiedBefore));

        // Both programs published into the one image; the entrypoint script picks one.
        var published = build.All("RUN").Where(r => r.Argument.StartsWith("dotnet publish", StringComparison.Ordinal)).Select(r => r.Argument).ToList();
        Assert.Contains(published, p => p.Contains("Aggregator.Api.csproj") && p.Contains("-o /app/api"));
        Assert.Contains(published, p => p.Contains("Aggregator.Worker.csproj") && p.Contains("-o /app/worker"));
        Assert.Contains(final.All("COPY"), c => c.Has("--from=build") && c.Words.SequenceEqual(["/app", "./"]));
        Assert.Contains(final.All("COPY"), c => c.Words.SequenceEqual(["deploy/aggregator.sh", "/app/aggregator"]) && c.Has("--chmod=755"));
        Assert.Equal(["/app/aggregator"], final.Single("ENTRYPOINT").ExecForm);
        Assert.Equal(["api"], final.Single("CMD").ExecForm);

        Assert.True(int.TryParse(final.Single("USER").Argument, out var user) && user > 0, "USER must be a non-root uid (a number, so that runAsNonRoot can check it)");
        Assert.All(PodSpecs(), p => Assert.Equal(user.ToString(), p.Spec["securityContext"]["runAsUser"].Text));

        var image = Containers().Select(c => c.Container["image"].Text).Distinct().Single();
        Assert.NotNull(image);
        Assert.Single(AppServices.Select(s => DeploymentFiles.ComposeService(s)["image"].Text).Distinct());
        Assert.All(AppServices, s => Assert.Equal("deploy/Dockerfile", DeploymentFiles.ComposeService(s)["build"]["dockerfile"].Text));
        var modes = new[] { "api", "worker", "migrate" };
        Assert.All(Containers(), c => Assert.Contains(c.Container["args"][0].Text, modes));
        var script = File.ReadAllText(DeploymentFiles.Path("aggregator.sh"));
        Assert.All(modes, m => Assert.Contains($"  {m})", script));
    }

    [Fact]
    public void Should_listen_on_one_port_that_every_reference_agrees_on()
    {
        var final = DeploymentFiles.Dockerfile()[^1];
        var port = final.Environment["ASPNETCORE_HTTP_PORTS"];
        Assert.Equal(port, final.Single("EXPOSE").Argument);
        Assert.Equal([$"{port}"], DeploymentFiles.ComposeService("api")["ports"].Items.Select(p => p.Text!.Split(':')[^1]));

        foreach (var deployment in new[] { "aggregator-api", "aggregator-worker" })
        {
            var container = DeploymentFiles.Manifest("Deployment", deployment)["spec"]["template"]["spec"]["containers"][0];
            var ports = container["ports"].Items.ToDictionary(p => p["name"].Text!, p => p["containerPort"].Text);
            Assert.Equal(port, ports["http"]);
            foreach (var probe in new[] { "startupProbe", "livenessProbe", "readinessProbe" })
            {
                Assert.True(container[probe].Exists, $"{deployment} has no {probe}");
                Assert.Contains(container[probe]["httpGet"]["port"].Text, ports.Keys);
                Assert.Contains(container[probe]["httpGet"]["path"].Text, new[] { "/health/live", "/health/ready" });
            }
        }
        Assert.Equal("/health/ready", DeploymentFiles.Manifest("Deployment", "aggregator-api")["spec"]["template"]["spec"]["containers"][0]["readinessProbe"]["httpGet"]["path"].Text);

        var api = DeploymentFiles.Manifest("Deployment", "aggregator-api");
        var annotations = api["spec"]["template"]["metadata"]["annotations"];
        Assert.Equal(port, annotations["prometheus.io/port"].Text);
        Assert.Equal("/metrics", annotations["prometheus.io/path"].Text);

        var service = DeploymentFiles.Manifest("Service", "aggregator-api");
        var labels = api["spec"]["template"]["metadata"]["labels"].Entries;
        Assert.All(service["spec"]["selector"].Entries, s => Assert.Equal(s.Value.Text, labels[s.Key].Text));
        Assert.Equal("http", service["spec"]["ports"][0]["targetPort"].Text);

        var backend = DeploymentFiles.Manifest("Ingress", "aggregator")["spec"]["rules"][0]["http"]["paths"][0]["backend"]["service"];
        Assert.Equal("aggregator-api", backend["name"].Text);
        Assert.Contains(backend["port"]["name"].Text, service["spec"]["ports"].Items.Select(p => p["name"].Text));
    }

    [Fact]
    public void Should_lock_down_every_pod_and_bound_its_resources()
    {
        foreach (var (workload, spec) in PodSpecs())
        {
            Assert.Equal("true", spec["securityContext"]["runAsNonRoot"].Text);
            Assert.Equal("false", spec["automountServiceAccountToken"].Text);
            var scratch = spec["volumes"].Items.Single(v => v["emptyDir"].Exists)["name"].Text;
            foreach (var container in spec["containers"].Items)
            {
                var security = container["securityContext"];
                Assert.True(security["readOnlyRootFilesystem"].Text == "true", $"{workload}: root filesystem writable");
                Assert.Equal("false", security["allowPrivilegeEscalation"].Text);
                Assert.Equal(["ALL"], security["capabilities"]["drop"].Items.Select(i => i.Text));
                Assert.Contains(container["volumeMounts"].Items, m => m["name"].Text == scratch && m["mountPath"].Text == "/tmp");
                Assert.True(container["resources"]["requests"]["cpu"].Exists && container["resources"]["requests"]["memory"].Exists, $"{workload}: no requests");
                Assert.True(container["resources"]["limits"]["memory"].Exists, $"{workload}: no memory limit");
            }
        }
        foreach (var deployment in DeploymentFiles.Manifests().Where(m => m["kind"].Text == "Deployment"))
        {
            var labels = deployment["spec"]["template"]["metadata"]["labels"].Entries;
            Assert.All(deployment["spec"]["selector"]["matchLabels"].Entries, s => Assert.Equal(s.Value.Text, labels[s.Key].Text));
        }
        Assert.Equal("Never", DeploymentFiles.Manifest("Job", "aggregator-migrate")["spec"]["template"]["spec"]["restartPolicy"].Text);
    }

    private static List<string?> Command(string service) => DeploymentFiles.ComposeService(service)["command"].Items.Select(i => i.Text).ToList();

    private static IEnumerable<(string Workload, Yaml Spec)> PodSpecs() => DeploymentFiles.Manifests()
        .Where(m => m["kind"].Text is "Deployment" or "Job")
        .Select(m => ($"{m["kind"]} {m["metadata"]["name"]}", m["spec"]["template"]["spec"]));

    private static IEnumerable<(string Workload, string Kind, Yaml Container)> Containers() => DeploymentFiles.Manifests()
        .Where(m => m["kind"].Text is "Deployment" or "Job")
        .SelectMany(m => m["spec"]["template"]["spec"]["containers"].Items.Select(c => ($"{m["kind"]} {m["metadata"]["name"]}", m["kind"].Text!, c)));

    private static bool IsSecretReference(Yaml container, string secret) =>
        container["envFrom"].Items.Any(e => e["secretRef"]["name"].Text == secret)
        || container["env"].Items.Any(e => e["valueFrom"]["secretKeyRef"]["name"].Text == secret);
}
