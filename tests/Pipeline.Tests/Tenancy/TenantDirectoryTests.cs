using Pipeline.Grains.Configuration;
using Pipeline.Grains.Tenancy;
using Xunit;

namespace Pipeline.Tests.Tenancy;

public sealed class TenantDirectoryTests
{
    private static TenantDirectory Directory(string yaml) => new(PipelineConfigLoader.Parse(yaml));

    private const string TwoTenants = """
        logs:
          tenant_mem_buf_limit: 4MiB
          outputs:
            - type: embedded
            - type: null
              id: discard
        tenants:
          - name: shop
            namespaces: [shop, shop-*]
            tokens: ["shop-token-0123456789"]
            mem_buf_limit: 16MiB
          - name: everything-else-shop
            namespaces: ["*-shop"]
            outputs: [discard]
          - name: payments
            namespaces: [payments]
        auth:
          admin_tokens: ["admin-token-0123456789"]
        """;

    [Theory]
    [InlineData("shop", "shop")]
    [InlineData("shop-dev", "shop")]
    [InlineData("old-shop", "everything-else-shop")]
    [InlineData("payments", "payments")]
    [InlineData("kube-system", "kube-system")]
    [InlineData("", TenantDirectory.UnknownTenant)]
    public void Namespaces_go_to_the_first_tenant_that_claims_them_else_to_their_own(string ns, string tenant) =>
        Assert.Equal(tenant, Directory(TwoTenants).Resolve(ns));

    [Fact]
    public void An_unclaimed_namespace_named_like_a_tenant_does_not_join_it()
    {
        var directory = Directory("""
            tenants:
              - name: payments
                namespaces: [pay-*]
            """);

        Assert.Equal("payments", directory.Resolve("pay-eu"));
        Assert.Equal("_ns.payments", directory.Resolve("payments"));
    }

    [Fact]
    public void Namespace_labels_claim_namespaces_when_the_labels_are_known()
    {
        var config = PipelineConfigLoader.Parse("""
            tenants:
              - name: named
                namespaces: [legacy]
              - name: team-a
                namespace_labels: {team: a, tier: prod}
            """);
        var labels = new FixedLabels(new()
        {
            ["a-prod"] = new Dictionary<string, string> { ["team"] = "a", ["tier"] = "prod", ["other"] = "x" },
            ["a-dev"] = new Dictionary<string, string> { ["team"] = "a", ["tier"] = "dev" },
            ["legacy"] = new Dictionary<string, string> { ["team"] = "a", ["tier"] = "prod" },
        });
        var directory = new TenantDirectory(config, labels);

        Assert.Equal("team-a", directory.Resolve("a-prod"));
        Assert.Equal("a-dev", directory.Resolve("a-dev"));
        Assert.Equal("named", directory.Resolve("legacy"));
        Assert.Equal("unlisted", directory.Resolve("unlisted"));
        Assert.Equal("a-prod", new TenantDirectory(config).Resolve("a-prod"));
    }

    private sealed class FixedLabels(Dictionary<string, Dictionary<string, string>> labels) : INamespaceLabels
    {
        public IReadOnlyDictionary<string, string>? LabelsOf(string namespaceName) => labels.GetValueOrDefault(namespaceName);
    }

    [Fact]
    public void Buffer_limits_come_from_the_tenant_else_the_logs_default()
    {
        var directory = Directory(TwoTenants);
        Assert.Equal(16L << 20, directory.MemBufLimit("shop"));
        Assert.Equal(4L << 20, directory.MemBufLimit("payments"));
        Assert.Equal(4L << 20, directory.MemBufLimit("kube-system"));
    }

    [Fact]
    public void Without_a_logs_default_a_tenant_gets_a_quarter_of_the_input_limit()
    {
        var directory = Directory("""
            logs:
              inputs:
                - type: tail
                  paths: [/var/log/containers/*.log]
                  mem_buf_limit: 64MiB
            """);
        Assert.Equal(16L << 20, directory.MemBufLimit("any"));
    }

    [Fact]
    public void Routing_follows_the_tenant_outputs_and_defaults_to_every_output()
    {
        var directory = Directory(TwoTenants);
        Assert.True(directory.Routes("shop", "embedded"));
        Assert.True(directory.Routes("shop", "discard"));
        Assert.False(directory.Routes("everything-else-shop", "embedded"));
        Assert.True(directory.Routes("everything-else-shop", "discard"));
        Assert.True(directory.Routes("kube-system", "embedded"));
    }

    [Fact]
    public void Tokens_grant_a_tenant_everything_or_nothing()
    {
        var directory = Directory(TwoTenants);
        Assert.True(directory.RequiresToken);
        Assert.Equal(SearchAccess.OnlyTenant("shop"), directory.Authorize("shop-token-0123456789"));
        Assert.Same(SearchAccess.Everything, directory.Authorize("admin-token-0123456789"));
        Assert.Same(SearchAccess.Denied, directory.Authorize(null));
        Assert.Same(SearchAccess.Denied, directory.Authorize("shop-token-012345678"));
        Assert.Same(SearchAccess.Denied, directory.Authorize("shop-token-01234567890"));
    }

    [Fact]
    public void Without_tokens_searches_are_open()
    {
        var directory = Directory("tenants: [{name: shop, namespaces: [shop]}]");
        Assert.False(directory.RequiresToken);
        Assert.Same(SearchAccess.Everything, directory.Authorize(null));
    }

    [Theory]
    [InlineData("tenants: [{name: a, namespaces: [x]}, {name: a, namespaces: [y]}]", "tenant 'a' is defined twice")]
    [InlineData("tenants: [{name: a, namespaces: [x], outputs: [es]}]", "tenant 'a' names output 'es', which logs.outputs does not define")]
    [InlineData("tenants: [{name: a, namespaces: [x], tokens: [short]}]", "tenants[0].tokens (line 1): a token must be at least 16 characters")]
    [InlineData("tenants: [{name: a}]", "tenants[0] (line 1): a tenant needs 'namespaces' (names or patterns such as team-a-*) or 'namespace_labels'")]
    [InlineData("tenants: [{namespaces: [x]}]", "a tenant needs a 'name'")]
    [InlineData("tenants: [{name: a/b, namespaces: [x]}]", "'a/b' may not contain '/'")]
    [InlineData("tenants: [{name: a, namespaces: [x], tokenz: [y]}]", "unknown key 'tokenz'")]
    [InlineData("tenants: [{name: a, namespaces: [x], tokens: [same-token-0123456789]}, {name: b, namespaces: [y], tokens: [same-token-0123456789]}]", "tenant 'b' shares a token")]
    [InlineData("logs: {outputs: [{type: null}, {type: null}]}", "two outputs are named 'null'")]
    public void Bad_tenant_configuration_fails_naming_the_problem(string yaml, string expected)
    {
        var error = Assert.Throws<PipelineConfigException>(() => PipelineConfigLoader.Parse(yaml));
        Assert.Contains(error.Errors, e => e.Contains(expected, StringComparison.Ordinal));
    }
}
