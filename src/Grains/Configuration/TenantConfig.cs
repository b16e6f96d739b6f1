namespace Pipeline.Grains.Configuration;

/// <summary>
/// A <c>tenants:</c> entry: a set of namespaces whose records go to their own outputs and index
/// prefix, fill their own buffer, and are searchable with their own tokens.
/// </summary>
public sealed class TenantConfig
{
    public required string Name { get; init; }

    /// <summary>Namespace names or <c>*</c> patterns; the first tenant (in file order) that matches a namespace owns it.</summary>
    public List<string> Namespaces { get; init; } = [];

    /// <summary>Namespace labels that claim a namespace for this tenant too (all must be equal), read from the Kubernetes API.</summary>
    public Dictionary<string, string> NamespaceLabels { get; init; } = [];

    /// <summary>Names of <c>logs.outputs</c> this tenant's records go to; empty: every output.</summary>
    public List<string> Outputs { get; init; } = [];

    /// <summary>Elasticsearch index prefix for this tenant's records, instead of the output's.</summary>
    public string? IndexPrefix { get; init; }

    /// <summary>Bytes of this tenant's records a collector holds unacknowledged before it pauses this tenant's files; null: <c>logs.tenant_mem_buf_limit</c>.</summary>
    public long? MemBufLimit { get; init; }

    /// <summary>Bearer tokens that may search this tenant's records (from the file and from <c>token_env</c>).</summary>
    public List<string> Tokens { get; init; } = [];
}

/// <summary>The <c>auth:</c> section: tokens that see every tenant.</summary>
public sealed class AuthConfig
{
    public List<string> AdminTokens { get; init; } = [];
}
