using Pipeline.Grains.Configuration;
using Pipeline.Grains.Scraping;
using Pipeline.Grains.Scraping.Relabeling;
using Xunit;
using YamlDotNet.RepresentationModel;

namespace Pipeline.Tests.Scraping;

/// <summary>A <c>scrape_configs</c> entry read as Prometheus reads it; mistakes name the key and line.</summary>
public sealed class ScrapeConfigReaderTests
{
    [Fact]
    public void A_job_with_only_a_name_takes_Prometheus_defaults_and_the_global_interval_and_timeout()
    {
        var job = Read("job_name: node", new GlobalScrapeConfig { ScrapeInterval = TimeSpan.FromSeconds(30), ScrapeTimeout = TimeSpan.FromSeconds(5) });

        Assert.Equal("node", job.JobName);
        Assert.Equal("http", job.Target.Scheme);
        Assert.Equal("/metrics", job.Target.MetricsPath);
        Assert.Empty(job.Target.Params);
        Assert.Equal(TimeSpan.FromSeconds(30), job.Target.ScrapeInterval);
        Assert.Equal(TimeSpan.FromSeconds(5), job.Target.ScrapeTimeout);
        Assert.False(job.HonorLabels);
        Assert.True(job.HonorTimestamps);
        Assert.False(job.TrackTimestampsStaleness);
        Assert.True(job.EnableCompression);
        Assert.Equal(0, job.Limits.SampleLimit);
        Assert.Equal(0, job.Limits.BodySizeLimit);
        Assert.Equal(0, job.TargetLimit);
        Assert.Empty(job.MetricRelabelRules);
        Assert.Empty(job.Target.RelabelRules);
        Assert.Empty(job.Discovery);
        Assert.Null(job.Http.Authorization());
    }

    [Fact]
    public void Without_its_own_timeout_a_job_uses_the_global_one_cut_to_its_interval()
    {
        var job = Read("""
            job_name: fast
            scrape_interval: 5s
            """, new GlobalScrapeConfig());

        Assert.Equal(TimeSpan.FromSeconds(5), job.Target.ScrapeInterval);
        Assert.Equal(TimeSpan.FromSeconds(5), job.Target.ScrapeTimeout);
    }

    [Fact]
    public void Every_key_is_read()
    {
        var job = Read("""
            job_name: snmp
            scrape_interval: 1m30s
            scrape_timeout: 20s
            metrics_path: /snmp
            scheme: https
            params:
              module: [if_mib, ip_mib]
              target: 10.0.0.1
            honor_labels: true
            honor_timestamps: false
            track_timestamps_staleness: true
            enable_compression: false
            sample_limit: 5000
            body_size_limit: 10MB
            label_limit: 30
            label_name_length_limit: 100
            label_value_length_limit: 2048
            target_limit: 50
            keep_dropped_targets: 10
            relabel_configs:
              - source_labels: [__address__]
                target_label: __param_target
            metric_relabel_configs:
              - source_labels: [__name__]
                regex: go_.*
                action: drop
              - action: labeldrop
                regex: pod_template_hash
            authorization:
              credentials: s3cret
            tls_config:
              insecure_skip_verify: true
            follow_redirects: false
            scrape_protocols: [OpenMetricsText1.0.0, PrometheusText0.0.4]
            fallback_scrape_protocol: PrometheusText0.0.4
            scrape_classic_histograms: true
            native_histogram_bucket_limit: 160
            """);

        Assert.Equal("snmp", job.JobName);
        Assert.Equal(TimeSpan.FromSeconds(90), job.Target.ScrapeInterval);
        Assert.Equal(TimeSpan.FromSeconds(20), job.Target.ScrapeTimeout);
        Assert.Equal("/snmp", job.Target.MetricsPath);
        Assert.Equal("https", job.Target.Scheme);
        Assert.Equal(["if_mib", "ip_mib"], job.Target.Params["module"]);
        Assert.Equal(["10.0.0.1"], job.Target.Params["target"]);
        Assert.True(job.HonorLabels);
        Assert.False(job.HonorTimestamps);
        Assert.True(job.TrackTimestampsStaleness);
        Assert.False(job.EnableCompression);
        Assert.Equal(5000, job.Limits.SampleLimit);
        Assert.Equal(10L * 1024 * 1024, job.Limits.BodySizeLimit);
        Assert.Equal(30, job.Limits.LabelLimit);
        Assert.Equal(100, job.Limits.LabelNameLengthLimit);
        Assert.Equal(2048, job.Limits.LabelValueLengthLimit);
        Assert.Equal(50, job.TargetLimit);
        Assert.Equal(10, job.KeepDroppedTargets);
        Assert.Single(job.Target.RelabelRules);
        Assert.Equal([RelabelAction.Drop, RelabelAction.LabelDrop], job.MetricRelabelRules.Select(r => r.Action));
        Assert.Equal("Bearer s3cret", job.Http.Authorization()!.ToString());
        Assert.True(job.Http.TlsInsecureSkipVerify);
        Assert.False(job.Http.FollowRedirects);
    }

    [Fact]
    public void The_job_defaults_make_targets_with_the_params_and_relabel_rules()
    {
        var job = Read("""
            job_name: blackbox
            metrics_path: /probe
            params:
              module: [http_2xx]
            relabel_configs:
              - source_labels: [__address__]
                target_label: __param_target
              - target_label: __address__
                replacement: blackbox:9115
            """);

        var target = new TargetBuilder(job.Target).Build(LabelSet.Of("__address__", "example.org")).Target!;

        Assert.Equal("http://blackbox:9115/probe?module=http_2xx&target=example.org", target.Url);
    }

    [Fact]
    public void A_timeout_longer_than_the_interval_is_refused_with_its_line()
    {
        var errors = Errors("""
            job_name: slow
            scrape_interval: 10s
            scrape_timeout: 30s
            """);

        AssertError(errors, "scrape_configs[0].scrape_timeout (line 3): scrape_timeout (30s) is longer than scrape_interval (10s)");
    }

    [Fact]
    public void A_job_without_a_name_is_refused()
    {
        AssertError(Errors("scrape_interval: 10s"), "scrape_configs[0] (line 1): a scrape config needs 'job_name'");
    }

    [Fact]
    public void An_unknown_key_is_refused_with_its_line_and_the_known_keys()
    {
        var errors = Errors("""
            job_name: node
            scrape_intervall: 10s
            """);

        AssertError(errors, "scrape_configs[0].scrape_intervall (line 2): unknown key 'scrape_intervall' (expected one of ", "scrape_interval");
    }

    [Fact]
    public void Wrong_values_are_refused_with_what_to_write()
    {
        var errors = Errors("""
            job_name: node
            scheme: ftp
            scrape_interval: often
            sample_limit: -1
            body_size_limit: lots
            honor_labels: maybe
            metric_relabel_configs:
              - action: replce
            """);

        AssertError(errors, "scrape_configs[0].scheme (line 2): unknown scheme 'ftp' (expected http or https)");
        AssertError(errors, "scrape_configs[0].scrape_interval (line 3): 'often' is not a duration");
        AssertError(errors, "scrape_configs[0].sample_limit (line 4): '-1' is not a whole number");
        AssertError(errors, "scrape_configs[0].body_size_limit (line 5): 'lots' is not a size");
        AssertError(errors, "scrape_configs[0].honor_labels (line 6): 'maybe' is not a boolean");
        AssertError(errors, "scrape_configs[0].metric_relabel_configs[0].action (line 8): unknown relabel action 'replce'");
    }

    [Fact]
    public void Unsupported_http_client_keys_are_refused_with_a_reason()
    {
        AssertError(
            Errors("""
                job_name: node
                proxy_url: http://proxy:3128
                """),
            "scrape_configs[0].proxy_url (line 2): 'proxy_url' is not supported");
    }

    private static ScrapeJobConfig Read(string yaml, GlobalScrapeConfig? global = null)
    {
        var errors = new List<string>();
        var job = ScrapeConfigReader.Read(Node(yaml, errors), global ?? new GlobalScrapeConfig());
        Assert.True(errors.Count == 0, string.Join("\n", errors));
        return job;
    }

    private static List<string> Errors(string yaml)
    {
        var errors = new List<string>();
        ScrapeConfigReader.Read(Node(yaml, errors), new GlobalScrapeConfig());
        Assert.NotEmpty(errors);
        return errors;
    }

    private static ConfigNode Node(string yaml, List<string> errors)
    {
        var stream = new YamlStream();
        stream.Load(new StringReader(yaml));
        return new ConfigNode((YamlMappingNode)stream.Documents[0].RootNode, "scrape_configs[0]", errors);
    }

    private static void AssertError(List<string> errors, string start, params string[] contains) =>
        Assert.True(
            errors.Any(e => e.StartsWith(start, StringComparison.Ordinal) && contains.All(c => e.Contains(c, StringComparison.Ordinal))),
            $"expected an error starting with '{start}', got:\n{string.Join("\n", errors)}");
}
