using Pipeline.Grains.Configuration;
using Pipeline.Grains.Outputs.Elasticsearch;
using Pipeline.Tests.Support;
using Xunit;

namespace Pipeline.Tests.Elasticsearch;

public sealed class ElasticsearchOutputConfigTests
{
    [Fact]
    public void Every_key_of_an_elasticsearch_output_is_read()
    {
        using var directory = new TempDirectory();
        var ca = directory.Combine("ca.pem");
        File.WriteAllText(ca, "-----BEGIN CERTIFICATE-----\n-----END CERTIFICATE-----\n");
        var variable = $"PIPELINE_TEST_ES_PASSWORD_{Guid.NewGuid():N}";
        Environment.SetEnvironmentVariable(variable, "from-the-environment");
        try
        {
            var config = PipelineConfigLoader.Parse($"""
                logs:
                  outputs:
                    - type: elasticsearch
                      name: es-main
                      hosts: [https://es-0:9200, "https://es-1:9200"]
                      user: pipeline
                      password_env: {variable}
                      tls:
                        ca_file: {ca}
                        verify: true
                      index_prefix: k8s
                      tenant_index_prefixes:
                        payments: payments_logs
                      compress: gzip
                      batch_size: 2MiB
                      timeout: 10s
                      max_retries: 7
                      retry_backoff: 250ms
                      retry_max_backoff: 1m
                """);

            var output = Assert.Single(config.Logs.Outputs);
            Assert.Equal(LogOutputType.Elasticsearch, output.Type);
            Assert.Equal("es-main", output.Name);
            var es = output.Elasticsearch!;
            Assert.Equal("es-main", es.Name);
            Assert.Equal([new Uri("https://es-0:9200"), new Uri("https://es-1:9200")], es.Hosts);
            Assert.Equal("pipeline", es.User);
            Assert.Equal("from-the-environment", es.Password);
            Assert.Null(es.ApiKey);
            Assert.Equal(ca, es.CaFile);
            Assert.True(es.VerifyCertificates);
            Assert.Equal("k8s", es.IndexPrefix);
            Assert.Equal("payments_logs", es.TenantIndexPrefixes["payments"]);
            Assert.Equal("payments_logs", es.IndexPrefixFor("payments"));
            Assert.Equal("k8s", es.IndexPrefixFor("shop"));
            Assert.True(es.Compress);
            Assert.Equal(2 * 1024 * 1024, es.BatchBytes);
            Assert.Equal(TimeSpan.FromSeconds(10), es.RequestTimeout);
            Assert.Equal(7, es.MaxRetries);
            Assert.Equal(TimeSpan.FromMilliseconds(250), es.RetryBackoff);
            Assert.Equal(TimeSpan.FromMinutes(1), es.RetryMaxBackoff);
        }
        finally
        {
            Environment.SetEnvironmentVariable(variable, null);
        }
    }

    [Fact]
    public void A_minimal_elasticsearch_output_gets_the_documented_defaults()
    {
        var config = PipelineConfigLoader.Parse("""
            logs:
              outputs:
                - type: elasticsearch
                  hosts: http://elasticsearch:9200
            """);

        var es = Assert.Single(config.Logs.Outputs).Elasticsearch!;
        Assert.Equal(ElasticsearchLogOutputOptions.DefaultName, es.Name);
        Assert.Equal([new Uri("http://elasticsearch:9200")], es.Hosts);
        Assert.Equal("kubernetes_cluster", es.IndexPrefix);
        Assert.Empty(es.TenantIndexPrefixes);
        Assert.Null(es.User);
        Assert.Null(es.Password);
        Assert.Null(es.ApiKey);
        Assert.False(es.Compress);
        Assert.Equal(ElasticsearchLogOutputOptions.DefaultBatchBytes, es.BatchBytes);
        Assert.Equal(ElasticsearchLogOutputOptions.DefaultRequestTimeout, es.RequestTimeout);
        Assert.Equal(ElasticsearchLogOutputOptions.DefaultMaxRetries, es.MaxRetries);
    }

    [Fact]
    public void An_api_key_can_come_from_the_environment()
    {
        var variable = $"PIPELINE_TEST_ES_API_KEY_{Guid.NewGuid():N}";
        Environment.SetEnvironmentVariable(variable, "a2V5OnNlY3JldA==");
        try
        {
            var config = PipelineConfigLoader.Parse($"""
                logs:
                  outputs:
                    - type: elasticsearch
                      hosts: [http://es:9200]
                      api_key_env: {variable}
                """);

            Assert.Equal("a2V5OnNlY3JldA==", Assert.Single(config.Logs.Outputs).Elasticsearch!.ApiKey);
        }
        finally
        {
            Environment.SetEnvironmentVariable(variable, null);
        }
    }

    [Fact]
    public void The_fluent_bit_spelling_name_alone_still_names_the_type()
    {
        var config = PipelineConfigLoader.Parse("""
            logs:
              outputs:
                - name: embedded
                - name: es
                  hosts: [http://es:9200]
                  logstash_prefix: fluentd
            """);

        Assert.Equal([LogOutputType.Embedded, LogOutputType.Elasticsearch], config.Logs.Outputs.Select(o => o.Type));
        Assert.Equal(["embedded", "elasticsearch"], config.Logs.Outputs.Select(o => o.Name));
        Assert.Equal("fluentd", config.Logs.Outputs[1].Elasticsearch!.IndexPrefix);
    }

    [Theory]
    [InlineData("hosts: [es:9200]", "logs.outputs[0].hosts (line 4): 'es:9200' is not an http:// or https:// URL")]
    [InlineData("hosts: []", "logs.outputs[0] (line 3): an elasticsearch output needs 'hosts'")]
    [InlineData("hosts: [http://es:9200]\n      password_env: PIPELINE_TEST_SURELY_UNSET_VARIABLE\n      user: u", "logs.outputs[0].password_env (line 5): environment variable 'PIPELINE_TEST_SURELY_UNSET_VARIABLE' is not set or empty")]
    [InlineData("hosts: [http://es:9200]\n      user: u\n      password: p\n      password_env: X", "logs.outputs[0].password_env (line 7): give either password or password_env, not both")]
    [InlineData("hosts: [http://es:9200]\n      user: u\n      password: p\n      api_key: k", "logs.outputs[0].api_key (line 7): use either user/password or api_key, not both")]
    [InlineData("hosts: [http://es:9200]\n      index_prefix: Kubernetes", "logs.outputs[0].index_prefix (line 5): 'Kubernetes' must be lowercase")]
    [InlineData("hosts: [http://es:9200]\n      compress: zstd", "logs.outputs[0].compress (line 5): 'zstd' is not a compression (expected gzip or none)")]
    [InlineData("hosts: [http://es:9200]\n      batch_size: 200MiB", "logs.outputs[0].batch_size (line 5): at most 90MiB")]
    [InlineData("hosts: [http://es:9200]\n      tls: {ca_file: /nonexistent/ca.pem}", "logs.outputs[0] (line 3): tls.ca_file: '/nonexistent/ca.pem' does not exist")]
    [InlineData("hosts: [http://es:9200]\n      tls: {verfy: false}", "logs.outputs[0].tls.verfy (line 5): unknown key 'verfy'")]
    [InlineData("hosts: [http://es:9200]\n      max_retries: -1", "logs.outputs[0].max_retries (line 5): '-1' is not a whole number from 0 to 1000")]
    [InlineData("hosts: [http://es:9200]\n      retention_days: 3", "logs.outputs[0].retention_days (line 5): unknown key 'retention_days'")]
    public void Mistakes_are_reported_with_key_and_line(string keys, string expected)
    {
        var yaml = "logs:\n  outputs:\n    - type: elasticsearch\n      " + keys + "\n";

        var e = Assert.Throws<PipelineConfigException>(() => PipelineConfigLoader.Parse(yaml));

        Assert.Contains(e.Errors, m => m.StartsWith(expected, StringComparison.Ordinal));
    }

    [Fact]
    public void An_unset_password_env_is_one_error_naming_the_variable_not_a_missing_password_too()
    {
        var e = Assert.Throws<PipelineConfigException>(() => PipelineConfigLoader.Parse("""
            logs:
              outputs:
                - type: elasticsearch
                  hosts: [http://es:9200]
                  user: pipeline
                  password_env: PIPELINE_TEST_SURELY_UNSET_PASSWORD
            """));

        Assert.Equal(
            "logs.outputs[0].password_env (line 6): environment variable 'PIPELINE_TEST_SURELY_UNSET_PASSWORD' is not set or empty",
            Assert.Single(e.Errors));
    }

    [Fact]
    public void A_user_without_any_password_says_to_set_password_env()
    {
        var e = Assert.Throws<PipelineConfigException>(() => PipelineConfigLoader.Parse("logs:\n  outputs:\n    - type: elasticsearch\n      hosts: [http://es:9200]\n      user: pipeline\n"));

        Assert.Contains("user is set but no password (set password_env", Assert.Single(e.Errors), StringComparison.Ordinal);
    }

    [Fact]
    public void An_unknown_output_type_lists_elasticsearch_among_the_expected()
    {
        var e = Assert.Throws<PipelineConfigException>(() => PipelineConfigLoader.Parse("logs:\n  outputs:\n    - type: opensearch\n"));

        Assert.Contains("unknown output type 'opensearch' (expected embedded, elasticsearch or null)", Assert.Single(e.Errors), StringComparison.Ordinal);
    }
}
