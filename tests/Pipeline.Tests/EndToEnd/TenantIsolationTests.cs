using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Pipeline.Tests.Support;
using Xunit;

namespace Pipeline.Tests.EndToEnd;

/// <summary>Tenants on the real silo process: routing to their own outputs, and searches that see only what their token allows.</summary>
public sealed class TenantIsolationTests
{
    private const string AdminToken = "admin-token-0123456789abcdef";
    private const string ShopToken = "shop-token-0123456789abcdef";
    private const string PaymentsToken = "payments-token-0123456789abcdef";

    [Fact]
    public async Task A_tenant_token_reads_only_its_tenant_whatever_the_query_and_no_token_gets_401()
    {
        using var dir = new TempDirectory();
        var logs = dir.Combine("logs");
        var written = new Dictionary<string, int>
        {
            ["shop"] = 30, ["shop-dev"] = 20, ["payments"] = 25, ["misc"] = 10, ["audit"] = 15,
        };
        foreach (var (ns, count) in written)
        {
            var file = new ContainerLogFile(ContainerLogFile.ContainersPath(logs, ns, "app", "main"), cri: ns.Length % 2 == 0, TimeProvider.System);
            for (var i = 0; i < count; i++)
            {
                file.Write($"{ns} secret order {i}", i);
            }
        }

        var config = dir.Combine("pipeline.yaml");
        File.WriteAllText(config, $"""
            data_dir: {dir.Combine("data")}
            logs:
              flush_interval: 100ms
              inputs:
                - type: tail
                  paths: ["{dir.Combine("logs", "*.log")}"]
                  read_from_head: true
                  refresh_interval: 200ms
              outputs:
                - type: embedded
                - type: null
                  id: discard
            tenants:
              - name: shop
                namespaces: [shop, shop-*]
                tokens: ["{ShopToken}"]
                outputs: [embedded]
              - name: payments
                namespaces: [payments]
                token_env: PAYMENTS_SEARCH_TOKEN
                mem_buf_limit: 8MiB
              - name: audit
                namespaces: [audit]
                outputs: [discard]
            auth:
              admin_tokens: ["{AdminToken}"]
            """);

        var environment = new Dictionary<string, string> { ["PAYMENTS_SEARCH_TOKEN"] = PaymentsToken };
        await using var silo = SiloProcess.Start(environment, "--config", config);
        await silo.WaitHealthyAsync();
        var expectedStored = written["shop"] + written["shop-dev"] + written["payments"] + written["misc"];
        await Eventually.Until(() => Total(silo, AdminToken, ""), t => t >= expectedStored, "every routed record stored");

        // The audit tenant goes only to the null output; everything else is in the embedded store.
        Assert.Equal(expectedStored, await Total(silo, AdminToken, ""));
        Assert.Equal(0, await Total(silo, AdminToken, "kubernetes.namespace_name:audit"));
        Assert.Equal(written["misc"], await Total(silo, AdminToken, "kubernetes.namespace_name:misc"));

        // A tenant token sees its own namespaces, and no query reaches past them.
        var shopCount = written["shop"] + written["shop-dev"];
        Assert.Equal(shopCount, await Total(silo, ShopToken, ""));
        Assert.Equal(shopCount, await Total(silo, ShopToken, "secret"));
        Assert.Equal(0, await Total(silo, ShopToken, "kubernetes.namespace_name:payments"));
        Assert.Equal(0, await Total(silo, ShopToken, "not kubernetes.namespace_name:shop* and not kubernetes.namespace_name:shop"));
        Assert.Equal(written["shop"], await Total(silo, ShopToken, "kubernetes.namespace_name:payments or kubernetes.namespace_name:shop"));
        Assert.Equal(0, await Total(silo, ShopToken, "tenant:payments or log:\"payments secret\""));
        var shopHits = await Hits(silo, ShopToken, "*", 1000);
        Assert.All(shopHits, h => Assert.StartsWith("shop", h.GetProperty("kubernetes").GetProperty("namespace_name").GetString(), StringComparison.Ordinal));

        // A token from the environment works like one from the file.
        Assert.Equal(written["payments"], await Total(silo, PaymentsToken, ""));
        Assert.Equal(0, await Total(silo, PaymentsToken, "kubernetes.namespace_name:shop"));

        // No token, or an unknown one: 401 with a Bearer challenge.
        using (var anonymous = await silo.Http.GetAsync("/api/logs/search?q="))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
            Assert.Equal("Bearer", anonymous.Headers.WwwAuthenticate.Single().Scheme);
        }

        using (var request = new HttpRequestMessage(HttpMethod.Get, "/api/logs/search?q="))
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", ShopToken + "x");
            using var wrong = await silo.Http.SendAsync(request);
            Assert.Equal(HttpStatusCode.Unauthorized, wrong.StatusCode);
        }

        var metrics = await silo.Http.GetStringAsync("/metrics");
        Assert.Contains("pipeline_tenant_buffer_bytes{node=", metrics, StringComparison.Ordinal);
        Assert.Contains("tenant=\"payments\"", metrics, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_token_variable_that_is_not_set_fails_start_up_naming_it()
    {
        using var dir = new TempDirectory();
        var config = dir.Combine("pipeline.yaml");
        File.WriteAllText(config, $"""
            data_dir: {dir.Combine("data")}
            tenants:
              - name: shop
                namespaces: [shop]
                token_env: PIPELINE_TEST_TOKEN_THAT_IS_NOT_SET
            """);

        await using var silo = SiloProcess.Start("--config", config);
        Assert.Equal(2, await silo.WaitForExitAsync(TimeSpan.FromSeconds(60)));
        Assert.Contains("tenants[0].token_env (line 5): environment variable 'PIPELINE_TEST_TOKEN_THAT_IS_NOT_SET' is not set", silo.Output, StringComparison.Ordinal);
    }

    private static async Task<long> Total(SiloProcess silo, string token, string query) =>
        (await Search(silo, token, query, 0)).GetProperty("total").GetInt64();

    private static async Task<List<JsonElement>> Hits(SiloProcess silo, string token, string query, int limit) =>
        [.. (await Search(silo, token, query, limit)).GetProperty("hits").EnumerateArray()];

    private static async Task<JsonElement> Search(SiloProcess silo, string token, string query, int limit)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, $"/api/logs/search?q={Uri.EscapeDataString(query)}&limit={limit}");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        using var response = await silo.Http.SendAsync(request);
        response.EnsureSuccessStatusCode();
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }
}
