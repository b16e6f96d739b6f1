using Pipeline.Grains.Scraping.Relabeling;
using Xunit;

namespace Pipeline.Tests.Scraping.Relabeling;

/// <summary>Target post-processing as Prometheus's scrape/target.go does it.</summary>
public sealed class TargetBuilderTests
{
    private static TargetBuildResult Build(LabelSet labels, string? relabel = null, ScrapeJobDefaults? job = null, LabelSet? group = null)
    {
        job ??= new ScrapeJobDefaults { JobName = "node" };
        if (relabel is not null)
        {
            job = job with { RelabelRules = RelabelYaml.Rules(relabel) };
        }

        return new TargetBuilder(job).Build(labels, group);
    }

    [Fact]
    public void Job_defaults_fill_the_special_labels_before_relabeling()
    {
        var result = Build(LabelSet.Of("__address__", "node-1:9100"));

        Assert.Equal(
            LabelSet.Of(
                "__address__", "node-1:9100",
                "__metrics_path__", "/metrics",
                "__scheme__", "http",
                "__scrape_interval__", "1m",
                "__scrape_timeout__", "10s",
                "job", "node"),
            result.DiscoveredLabels);
        var target = result.Target!;
        Assert.Equal("http://node-1:9100/metrics", target.Url);
        Assert.Equal(TimeSpan.FromMinutes(1), target.ScrapeInterval);
        Assert.Equal(TimeSpan.FromSeconds(10), target.ScrapeTimeout);
        Assert.Equal(LabelSet.Of("instance", "node-1:9100", "job", "node"), target.Labels);
    }

    [Fact]
    public void Instance_defaults_to_the_address_after_relabeling_but_a_set_instance_stays()
    {
        var moved = Build(LabelSet.Of("__address__", "10.0.0.1:9100"), """
            relabel_configs:
              - source_labels: [__address__]
                regex: '(.+):9100'
                replacement: '${1}:9200'
                target_label: __address__
            """).Target!;
        Assert.Equal("10.0.0.1:9200", moved.Labels.Get("instance"));

        var named = Build(LabelSet.Of("__address__", "10.0.0.1:9100", "__meta_node", "node-1"), """
            relabel_configs:
              - source_labels: [__meta_node]
                target_label: instance
            """).Target!;
        Assert.Equal("node-1", named.Labels.Get("instance"));
        Assert.Equal("10.0.0.1:9100", named.Address);
    }

    [Fact]
    public void Discovered_labels_win_over_job_defaults()
    {
        var target = Build(LabelSet.Of(
            "__address__", "h:1",
            "job", "custom",
            "__scheme__", "https",
            "__metrics_path__", "/m",
            "__scrape_interval__", "30s",
            "__scrape_timeout__", "5s")).Target!;

        Assert.Equal("https://h:1/m", target.Url);
        Assert.Equal("custom", target.Labels.Get("job"));
        Assert.Equal(TimeSpan.FromSeconds(30), target.ScrapeInterval);
        Assert.Equal(TimeSpan.FromSeconds(5), target.ScrapeTimeout);
    }

    [Fact]
    public void Target_labels_win_over_group_labels()
    {
        var target = Build(LabelSet.Of("__address__", "h:1", "env", "prod"), group: LabelSet.Of("env", "dev", "team", "shop")).Target!;

        Assert.Equal("prod", target.Labels.Get("env"));
        Assert.Equal("shop", target.Labels.Get("team"));
    }

    [Fact]
    public void Meta_labels_go_after_relabeling_other_double_underscore_labels_stay_internal()
    {
        var target = Build(LabelSet.Of("__address__", "h:1", "__meta_kubernetes_pod_name", "p", "__tmp_x", "y")).Target!;

        Assert.False(target.TargetLabels.Contains("__meta_kubernetes_pod_name"));
        Assert.Equal("y", target.TargetLabels.Get("__tmp_x"));
        Assert.Equal("h:1", target.TargetLabels.Get("__address__"));
        Assert.DoesNotContain(target.Labels, l => l.Name.StartsWith("__", StringComparison.Ordinal));
    }

    [Fact]
    public void A_target_without_address_is_dropped_with_a_reason()
    {
        var result = Build(LabelSet.Of("__meta_kubernetes_pod_name", "p"));

        Assert.Null(result.Target);
        Assert.False(result.IsDroppedByRelabeling);
        Assert.Equal("no address", result.DropReason);

        var emptied = Build(LabelSet.Of("__address__", "h:1"), """
            relabel_configs:
              - target_label: __address__
                replacement: ''
            """);
        Assert.Equal("no address", emptied.DropReason);
    }

    [Fact]
    public void An_address_with_a_slash_is_refused()
    {
        var result = Build(LabelSet.Of("__address__", "http://h:1/metrics"));

        Assert.Equal("\"http://h:1/metrics\" is not a valid hostname", result.DropReason);
    }

    [Fact]
    public void A_target_dropped_by_a_rule_says_so()
    {
        var result = Build(LabelSet.Of("__address__", "h:1"), """
            relabel_configs:
              - source_labels: [__address__]
                regex: h:.*
                action: drop
            """);

        Assert.True(result.IsDroppedByRelabeling);
        Assert.Equal(TargetBuildResult.DroppedByRelabeling, result.DropReason);
    }

    [Fact]
    public void Scrape_interval_and_timeout_can_be_relabeled_and_are_checked()
    {
        var fast = Build(LabelSet.Of("__address__", "h:1", "__meta_fast", "true"), """
            relabel_configs:
              - source_labels: [__meta_fast]
                regex: true
                target_label: __scrape_interval__
                replacement: 15s
            """).Target!;
        Assert.Equal(TimeSpan.FromSeconds(15), fast.ScrapeInterval);

        Assert.Equal("error parsing scrape interval: not a valid duration string: \"soon\"",
            Build(LabelSet.Of("__address__", "h:1", "__scrape_interval__", "soon")).DropReason);
        Assert.Equal("scrape interval cannot be 0", Build(LabelSet.Of("__address__", "h:1", "__scrape_interval__", "0s")).DropReason);
        Assert.Equal("scrape timeout cannot be 0", Build(LabelSet.Of("__address__", "h:1", "__scrape_timeout__", "0")).DropReason);
        Assert.Equal("scrape timeout cannot be greater than scrape interval (\"2m\" > \"1m\")",
            Build(LabelSet.Of("__address__", "h:1", "__scrape_timeout__", "2m")).DropReason);
    }

    [Fact]
    public void Params_become_labels_and_labels_become_params()
    {
        var job = new ScrapeJobDefaults
        {
            JobName = "blackbox",
            MetricsPath = "/probe",
            Params = new Dictionary<string, IReadOnlyList<string>>
            {
                ["module"] = ["http_2xx", "second"],
                ["empty"] = [],
            },
        };
        var result = Build(LabelSet.Of("__address__", "https://example.org/a b?x=1"), """
            relabel_configs:
              - source_labels: [__address__]
                target_label: __param_target
              - source_labels: [__param_target]
                target_label: instance
              - target_label: __address__
                replacement: blackbox-exporter:9115
            """, job);

        Assert.Equal("http_2xx", result.DiscoveredLabels.Get("__param_module"));
        Assert.False(result.DiscoveredLabels.Contains("__param_empty"));
        var target = result.Target!;
        Assert.Equal("http://blackbox-exporter:9115/probe?module=http_2xx&module=second&target=https%3A%2F%2Fexample.org%2Fa+b%3Fx%3D1", target.Url);
        Assert.Equal("https://example.org/a b?x=1", target.Labels.Get("instance"));
    }

    [Fact]
    public void A_param_label_replaces_the_first_configured_value()
    {
        var job = new ScrapeJobDefaults
        {
            JobName = "j",
            Params = new Dictionary<string, IReadOnlyList<string>> { ["module"] = ["a", "b"] },
        };
        var target = Build(LabelSet.Of("__address__", "h:1", "__param_module", "z"), job: job).Target!;

        Assert.Equal("http://h:1/metrics?module=z&module=b", target.Url);
        Assert.Equal([new("module", "z"), new KeyValuePair<string, string>("module", "b")], target.Params);
    }

    [Fact]
    public void Paths_are_escaped_as_go_escapes_them()
    {
        var target = Build(LabelSet.Of("__address__", "h:1", "__metrics_path__", "metrics/a b;c=d")).Target!;

        Assert.Equal("http://h:1/metrics/a%20b;c=d", target.Url);
    }

    [Fact]
    public void Prometheus_3_keeps_an_address_without_port_as_it_is()
    {
        var target = Build(LabelSet.Of("__address__", "node-1")).Target!;

        Assert.Equal("http://node-1/metrics", target.Url);
        Assert.Equal("node-1", target.Labels.Get("instance"));
    }

    [Theory]
    [InlineData("node-1", "http", "node-1:80")]
    [InlineData("node-1", "https", "node-1:443")]
    [InlineData("node-1:9100", "https", "node-1:9100")]
    [InlineData("[::1]", "http", "[::1]:80")]
    [InlineData("[::1]:9100", "http", "[::1]:9100")]
    [InlineData("::1", "http", "::1")] // not a host a port can be added to: left alone
    public void With_default_ports_prometheus_2_appends_the_scheme_port(string address, string scheme, string expected)
    {
        var job = new ScrapeJobDefaults { JobName = "j", Scheme = scheme, AddDefaultPort = true };
        var target = Build(LabelSet.Of("__address__", address), job: job).Target!;

        Assert.Equal(expected, target.Address);
        Assert.Equal(expected, target.Labels.Get("instance"));
    }

    [Fact]
    public void With_default_ports_an_unknown_scheme_without_port_is_refused()
    {
        var job = new ScrapeJobDefaults { JobName = "j", Scheme = "ftp", AddDefaultPort = true };

        Assert.Equal("invalid scheme: \"ftp\"", Build(LabelSet.Of("__address__", "h"), job: job).DropReason);
    }

    [Fact]
    public void Invalid_utf16_in_a_label_value_drops_the_target()
    {
        var result = Build(LabelSet.Of("__address__", "h:1", "bad", "a\ud800b"));

        Assert.StartsWith("invalid label value for \"bad\"", result.DropReason, StringComparison.Ordinal);
    }

    [Fact]
    public void The_key_is_the_stable_hash_of_the_final_target_labels()
    {
        var a = Build(LabelSet.Of("__address__", "h:1", "__meta_x", "1")).Target!;
        var b = Build(LabelSet.Of("__address__", "h:1", "__meta_x", "2")).Target!;
        var otherPath = Build(LabelSet.Of("__address__", "h:1", "__metrics_path__", "/other")).Target!;

        Assert.Equal(a.TargetLabels.StableHash, a.Key);
        Assert.Equal(a.Key, b.Key); // meta labels are gone: same target
        Assert.NotEqual(a.Key, otherPath.Key);
    }

    [Fact]
    public void One_builder_serves_many_targets_in_turn()
    {
        var builder = new TargetBuilder(new ScrapeJobDefaults { JobName = "j" });
        var first = builder.Build(LabelSet.Of("__address__", "a:1", "x", "1")).Target!;
        var second = builder.Build(LabelSet.Of("__address__", "b:1")).Target!;

        Assert.Equal("1", first.Labels.Get("x"));
        Assert.False(second.Labels.Contains("x"));
        Assert.Equal("a:1", first.Address);
    }
}
