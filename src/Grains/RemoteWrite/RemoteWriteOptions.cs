using Pipeline.Grains.Configuration;

namespace Pipeline.Grains.RemoteWrite;

/// <summary>
/// One <c>remote_write</c> entry in Prometheus's syntax: where to send, how to authenticate, TLS
/// and the queue. Secrets given as files (<c>password_file</c>, <c>credentials_file</c>,
/// <c>bearer_token_file</c>) are read again for every request, so a rotated secret is picked up.
/// </summary>
public sealed class RemoteWriteOptions
{
    public static readonly TimeSpan DefaultRemoteTimeout = TimeSpan.FromSeconds(30);
    public static readonly TimeSpan DefaultFlushDeadline = TimeSpan.FromMinutes(1);
    public const string DefaultAuthorizationType = "Bearer";

    /// <summary>The receiver, e.g. <c>http://prometheus:9090/api/v1/write</c> (<c>url</c>).</summary>
    public Uri Url { get; init; } = null!;

    /// <summary>Name in metrics and logs (<c>name</c>); the URL's host and port when not given.</summary>
    public string? Name { get; init; }

    /// <summary>Timeout of one request (<c>remote_timeout</c>); a request that times out is retried.</summary>
    public TimeSpan RemoteTimeout { get; init; } = DefaultRemoteTimeout;

    /// <summary>Extra headers sent with every request (<c>headers</c>).</summary>
    public IReadOnlyList<KeyValuePair<string, string>> Headers { get; init; } = [];

    /// <summary><c>basic_auth.username</c>.</summary>
    public string? BasicAuthUsername { get; init; }

    /// <summary><c>basic_auth.password</c>.</summary>
    public string? BasicAuthPassword { get; init; }

    /// <summary><c>basic_auth.password_file</c>, read for every request.</summary>
    public string? BasicAuthPasswordFile { get; init; }

    /// <summary>Scheme of the <c>Authorization</c> header (<c>authorization.type</c>), Bearer by default.</summary>
    public string AuthorizationType { get; init; } = DefaultAuthorizationType;

    /// <summary><c>authorization.credentials</c> or <c>bearer_token</c>.</summary>
    public string? AuthorizationCredentials { get; init; }

    /// <summary><c>authorization.credentials_file</c> or <c>bearer_token_file</c>, read for every request.</summary>
    public string? AuthorizationCredentialsFile { get; init; }

    /// <summary><c>tls_config.ca_file</c>: trust servers whose certificate chains to these authorities.</summary>
    public string? TlsCaFile { get; init; }

    /// <summary><c>tls_config.cert_file</c>: client certificate (PEM), with <see cref="TlsKeyFile"/>.</summary>
    public string? TlsCertFile { get; init; }

    /// <summary><c>tls_config.key_file</c>: the client certificate's private key (PEM).</summary>
    public string? TlsKeyFile { get; init; }

    /// <summary><c>tls_config.server_name</c>: the name to expect in the server's certificate (SNI).</summary>
    public string? TlsServerName { get; init; }

    /// <summary><c>tls_config.insecure_skip_verify</c>: accept any server certificate.</summary>
    public bool TlsInsecureSkipVerify { get; init; }

    /// <summary>
    /// The <c>write_relabel_configs</c> entries as written, unread: relabeling is applied by the
    /// relabel engine that reads them (which also reports their unknown keys).
    /// </summary>
    internal IReadOnlyList<ConfigNode> WriteRelabelConfigs { get; init; } = [];

    public RemoteWriteQueueOptions Queue { get; init; } = new();

    /// <summary>How long a stop waits for queued samples to be sent before dropping them (Prometheus's <c>--storage.remote.flush-deadline</c>).</summary>
    public TimeSpan FlushDeadline { get; init; } = DefaultFlushDeadline;

    /// <summary>The name used in metrics and logs.</summary>
    public string DisplayName => Name ?? (Url is null ? "remote_write" : Url.Authority);
}
