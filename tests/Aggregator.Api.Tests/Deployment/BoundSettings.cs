using System.Reflection;
using System.Text.RegularExpressions;
using Aggregator.Api.Tests.Infrastructure;

namespace Aggregator.Api.Tests.Deployment;

/// <summary>
/// The configuration keys the service actually reads, found in its code rather than listed by hand: every
/// property of an options class (a type with a <c>const string Section</c>), every key read directly
/// (<c>Configuration["…"]</c>, <c>GetConnectionString("…")</c>, a <c>const string …Key = "Aggregator:…"</c>),
/// and the framework's own (logging, ASP.NET Core's and .NET's prefixed variables).
/// </summary>
public static partial class BoundSettings
{
    private static readonly Lazy<HashSet<string>> Keys = new(Find);

    /// <summary>An environment variable's name as configuration reads it: "__" is ":".</summary>
    public static string KeyOf(string environmentVariable) => environmentVariable.Replace("__", ":");

    public static bool IsBound(string environmentVariable)
    {
        if (environmentVariable.StartsWith("ASPNETCORE_", StringComparison.Ordinal) || environmentVariable.StartsWith("DOTNET_", StringComparison.Ordinal))
            return true;
        // An entry of a list (Aggregator__Database__ReadReplicas__0) is bound where the list is.
        var key = ListEntry().Replace(KeyOf(environmentVariable), "");
        return key.StartsWith("Logging:", StringComparison.OrdinalIgnoreCase) || Keys.Value.Contains(key);
    }

    private static HashSet<string> Find()
    {
        var keys = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        var assemblies = new[] { "Aggregator.Api", "Aggregator.Jobs", "Aggregator.Data" }.Select(Assembly.Load);
        foreach (var type in assemblies.SelectMany(a => a.GetTypes()))
        {
            if (type.GetField("Section", BindingFlags.Public | BindingFlags.Static) is not { IsLiteral: true } section) continue;
            foreach (var property in type.GetProperties(BindingFlags.Public | BindingFlags.Instance).Where(p => p.CanWrite))
                keys.Add($"{section.GetRawConstantValue()}:{property.Name}");
        }
        foreach (var file in Directory.EnumerateFiles(RepositoryPaths.Of("src"), "*.cs", SearchOption.AllDirectories))
        {
            if (file.Contains($"{System.IO.Path.DirectorySeparatorChar}obj{System.IO.Path.DirectorySeparatorChar}", StringComparison.Ordinal)) continue;
            var code = File.ReadAllText(file);
            foreach (Match m in ReadDirectly().Matches(code)) keys.Add(m.Groups["key"].Value);
            foreach (Match m in ConnectionString().Matches(code)) keys.Add("ConnectionStrings:" + m.Groups["name"].Value);
        }
        return keys;
    }

    [GeneratedRegex("""(?:[Cc]onfiguration\[|Key = )"(?<key>Aggregator(?::[A-Za-z]+)+)"\]?""")]
    private static partial Regex ReadDirectly();

    [GeneratedRegex(@":[0-9]+$")]
    private static partial Regex ListEntry();

    [GeneratedRegex("""GetConnectionString\("(?<name>[A-Za-z]+)"\)""")]
    private static partial Regex ConnectionString();
}
