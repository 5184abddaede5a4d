namespace Aggregator.Data.Embedded;

/// <summary>Finds the machine's own PostgreSQL server binaries (initdb, pg_ctl).</summary>
public static class PostgresBinaries
{
    public const string InstallHint =
        "No PostgreSQL server binaries (initdb, pg_ctl) were found on PATH or in /usr/lib/postgresql/*/bin. " +
        "Install them (Debian/Ubuntu: `apt-get install -y postgresql`), or configure ConnectionStrings:Aggregator " +
        "to use an existing server.";

    /// <summary>
    /// The folder holding initdb and pg_ctl, or null when the machine has none. A configured folder is the
    /// only one looked at; otherwise PATH, then /usr/lib/postgresql/*/bin, newest first.
    /// </summary>
    public static string? FindBinDirectory(string? configured = null)
    {
        if (!string.IsNullOrWhiteSpace(configured))
            return File.Exists(Path.Combine(configured, "initdb")) && File.Exists(Path.Combine(configured, "pg_ctl")) ? configured : null;

        var candidates = new List<string>();
        var path = Environment.GetEnvironmentVariable("PATH") ?? "";
        candidates.AddRange(path.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries));
        if (Directory.Exists("/usr/lib/postgresql"))
        {
            // Newest major version first.
            candidates.AddRange(Directory.GetDirectories("/usr/lib/postgresql")
                .OrderByDescending(d => int.TryParse(Path.GetFileName(d), out var v) ? v : 0)
                .Select(d => Path.Combine(d, "bin")));
        }

        foreach (var dir in candidates)
        {
            var initdb = Path.Combine(dir, "initdb");
            var pgCtl = Path.Combine(dir, "pg_ctl");
            if (File.Exists(initdb) && File.Exists(pgCtl))
                return Path.GetDirectoryName(ResolveLinks(initdb));
        }
        return null;
    }

    // /usr/local/bin/initdb is often a link into /usr/lib/postgresql/N/bin; pg_ctl wants its siblings.
    private static string ResolveLinks(string file)
    {
        var info = new FileInfo(file);
        return info.LinkTarget is null ? file : info.ResolveLinkTarget(returnFinalTarget: true)?.FullName ?? file;
    }
}
