using Aggregator.Data;

namespace Aggregator.Api.Tests.RoundTrips;

/// <summary>How a scope is written: set_config with parameters, or SET LOCAL with literals that no value can break out of.</summary>
public sealed class ScopeStatementTests
{
    [Fact]
    public void Should_write_the_scope_as_one_set_config_with_parameters_by_default()
    {
        var scope = ScopeStatement.For(ScopeCommand.SetConfig, new Dictionary<string, string> { ["app.tenant_id"] = "x' OR true --" });

        Assert.Equal("SELECT set_config(s.name, s.value, true) FROM unnest(@scopeNames, @scopeValues) AS s(name, value)", scope.Sql);
        Assert.True(scope.ReturnsRows);
        Assert.Equal(["x' OR true --"], scope.Parameters!.Get<string[]>("scopeValues"));
    }

    [Fact]
    public void Should_write_each_setting_as_a_set_local_of_its_own()
    {
        var tenant = Guid.NewGuid();
        var scope = ScopeStatement.For(ScopeCommand.SetLocal, new Dictionary<string, string>
        {
            ["app.scope"] = "platform",
            ["app.tenant_id"] = tenant.ToString(),
        });

        Assert.Equal($"SET LOCAL app.scope = 'platform';\nSET LOCAL app.tenant_id = '{tenant}'", scope.Sql);
        Assert.Null(scope.Parameters);
        Assert.False(scope.ReturnsRows);
    }

    [Theory]
    [InlineData("app.public_tenant", "x'; RESET ALL; --")]
    [InlineData("app.public_tenant", "a\\b")]
    [InlineData("app.public_tenant", "陶然亭")]
    [InlineData("app.public_tenant", "a\0b")]
    [InlineData("app.tenant_id = 'x'; SET LOCAL app.scope", "platform")]
    [InlineData("search_path", "evil")]
    public void Should_refuse_a_set_local_whose_name_or_value_is_not_of_the_safe_alphabet(string name, string value) =>
        Assert.Throws<ArgumentException>(() => ScopeStatement.For(ScopeCommand.SetLocal, new Dictionary<string, string> { [name] = value }));
}
