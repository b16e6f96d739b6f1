using Pipeline.Grains.Configuration;
using Pipeline.Grains.RemoteWrite;
using Pipeline.Grains.Scraping.Relabeling;
using Xunit;
using YamlDotNet.RepresentationModel;

namespace Pipeline.Tests.RemoteWrite;

public sealed class RemoteWriteConfigReaderTests
{
    [Fact]
    public void Every_key_of_a_remote_write_entry_is_read()
    {
        var (entries, errors) = Read("""
            remote_write:
              - url: https://mimir.example:443/api/v1/push
                name: mimir
                remote_timeout: 10s
                headers:
                  X-Scope-OrgID: team-a
                basic_auth:
                  username: pipeline
                  password_file: /etc/rw/password
                tls_config:
                  ca_file: /etc/rw/ca.pem
                  cert_file: /etc/rw/tls.crt
                  key_file: /etc/rw/tls.key
                  server_name: mimir.internal
                  insecure_skip_verify: true
                write_relabel_configs:
                  - source_labels: [__name__]
                    regex: go_.*
                    action: drop
                  - action: labeldrop
                    regex: pod_template_hash
                queue_config:
                  capacity: 2500
                  max_shards: 8
                  min_shards: 2
                  max_samples_per_send: 500
                  batch_send_deadline: 2s
                  min_backoff: 50ms
                  max_backoff: 10s
                  retry_on_http_429: true
                  sample_age_limit: 1h
            """);

        Assert.Empty(errors);
        var rw = Assert.Single(entries);
        Assert.Equal(new Uri("https://mimir.example:443/api/v1/push"), rw.Url);
        Assert.Equal("mimir", rw.DisplayName);
        Assert.Equal(TimeSpan.FromSeconds(10), rw.RemoteTimeout);
        Assert.Equal([new("X-Scope-OrgID", "team-a")], rw.Headers);
        Assert.Equal("pipeline", rw.Http.BasicAuthUsername);
        Assert.Null(rw.Http.BasicAuthPassword);
        Assert.Equal("/etc/rw/password", rw.Http.BasicAuthPasswordFile);
        Assert.Equal("/etc/rw/ca.pem", rw.Http.TlsCaFile);
        Assert.Equal("/etc/rw/tls.crt", rw.Http.TlsCertFile);
        Assert.Equal("/etc/rw/tls.key", rw.Http.TlsKeyFile);
        Assert.Equal("mimir.internal", rw.Http.TlsServerName);
        Assert.True(rw.Http.TlsInsecureSkipVerify);
        Assert.Equal([RelabelAction.Drop, RelabelAction.LabelDrop], rw.WriteRelabelRules.Select(r => r.Action));
        var q = rw.Queue;
        Assert.Equal(2500, q.Capacity);
        Assert.Equal(8, q.MaxShards);
        Assert.Equal(2, q.MinShards);
        Assert.Equal(500, q.MaxSamplesPerSend);
        Assert.Equal(TimeSpan.FromSeconds(2), q.BatchSendDeadline);
        Assert.Equal(TimeSpan.FromMilliseconds(50), q.MinBackoff);
        Assert.Equal(TimeSpan.FromSeconds(10), q.MaxBackoff);
        Assert.True(q.RetryOnHttp429);
        Assert.Equal(TimeSpan.FromHours(1), q.SampleAgeLimit);
    }

    [Fact]
    public void An_entry_with_only_a_url_gets_prometheus_defaults()
    {
        var (entries, errors) = Read("""
            remote_write:
              - url: http://prometheus:9090/api/v1/write
            """);

        Assert.Empty(errors);
        var rw = Assert.Single(entries);
        Assert.Equal("prometheus:9090", rw.DisplayName);
        Assert.Equal(TimeSpan.FromSeconds(30), rw.RemoteTimeout);
        Assert.Null(rw.Http.AuthorizationCredentials);
        Assert.Equal(10_000, rw.Queue.Capacity);
        Assert.Equal(50, rw.Queue.MaxShards);
        Assert.Equal(1, rw.Queue.MinShards);
        Assert.Equal(2_000, rw.Queue.MaxSamplesPerSend);
        Assert.Equal(TimeSpan.FromSeconds(5), rw.Queue.BatchSendDeadline);
        Assert.Equal(TimeSpan.FromMilliseconds(30), rw.Queue.MinBackoff);
        Assert.Equal(TimeSpan.FromSeconds(5), rw.Queue.MaxBackoff);
        Assert.False(rw.Queue.RetryOnHttp429);
        Assert.Equal(TimeSpan.Zero, rw.Queue.SampleAgeLimit);
    }

    [Fact]
    public void Authorization_and_the_older_bearer_token_keys_are_read()
    {
        var (entries, errors) = Read("""
            remote_write:
              - url: http://a:9090/api/v1/write
                authorization:
                  type: Token
                  credentials_file: /etc/rw/token
              - url: http://b:9090/api/v1/write
                bearer_token: abc
              - url: http://c:9090/api/v1/write
                bearer_token_file: /etc/rw/bearer
            """);

        Assert.Empty(errors);
        Assert.Equal(("Token", null, "/etc/rw/token"), (entries[0].Http.AuthorizationType, entries[0].Http.AuthorizationCredentials, entries[0].Http.AuthorizationCredentialsFile));
        Assert.Equal(("Bearer", "abc", null), (entries[1].Http.AuthorizationType, entries[1].Http.AuthorizationCredentials, entries[1].Http.AuthorizationCredentialsFile));
        Assert.Equal(("Bearer", null, "/etc/rw/bearer"), (entries[2].Http.AuthorizationType, entries[2].Http.AuthorizationCredentials, entries[2].Http.AuthorizationCredentialsFile));
    }

    [Fact]
    public void Mistakes_are_reported_with_their_key_and_line()
    {
        var (_, errors) = Read("""
            remote_write:
              - url: prometheus:9090
                basic_auth: {username: u, password: p}
                bearer_token: t
                queue_config:
                  max_shards: 2
                  min_shards: 3
                  batch_send_deadline: soon
                  max_samples_per_sned: 100
              - name: no-url
                headers: {Authorization: x}
            """);

        Assert.Contains(errors, e => e.StartsWith("remote_write[0].url (line 2): 'prometheus:9090' is not an http:// or https:// URL", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("remote_write[0].basic_auth (line 3): use at most one of basic_auth and authorization", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("remote_write[0].queue_config.batch_send_deadline (line 8): 'soon' is not a duration", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("remote_write[0].queue_config.max_samples_per_sned (line 9): unknown key 'max_samples_per_sned' (expected one of", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("remote_write[0].queue_config (line 6): queue_config.min_shards: must be from 1 to max_shards (2)", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("remote_write[1] (line 10): a remote_write entry needs 'url'", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("remote_write[1].headers (line 11): 'Authorization' is set by the sender", StringComparison.Ordinal));
    }

    [Fact]
    public void Global_external_labels_given_by_the_caller_reach_every_entry()
    {
        var stream = new YamlStream();
        stream.Load(new StringReader("""
            remote_write:
              - url: http://a:9090/api/v1/write
              - url: http://b:9090/api/v1/write
            """));
        var errors = new List<string>();
        var root = new ConfigNode((YamlMappingNode)stream.Documents[0].RootNode, "", errors);

        var entries = RemoteWriteConfigReader.ReadAll(root, [new("cluster", "eu-1")]);

        Assert.Empty(errors);
        Assert.All(entries, e => Assert.Equal([new("cluster", "eu-1")], e.ExternalLabels));
    }

    private static (List<RemoteWriteOptions> Entries, List<string> Errors) Read(string yaml)
    {
        var stream = new YamlStream();
        stream.Load(new StringReader(yaml));
        var errors = new List<string>();
        var root = new ConfigNode((YamlMappingNode)stream.Documents[0].RootNode, "", errors);
        return (RemoteWriteConfigReader.ReadAll(root), errors);
    }
}
