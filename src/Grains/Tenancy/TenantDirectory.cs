using System.Security.Cryptography;
using System.Text;
using Pipeline.Grains.Configuration;
using Pipeline.Grains.Processing;

namespace Pipeline.Grains.Tenancy;

/// <summary>
/// Who owns a namespace's records and who may read them. A configured tenant owns the namespaces
/// its names or patterns match, or whose labels carry all its <c>namespace_labels</c> (the first
/// tenant in file order wins); every other namespace is its
/// own tenant, named after it (or <c>_ns.&lt;namespace&gt;</c> when a configured tenant already has
/// that name, so an unclaimed namespace never joins a tenant by name alone).
/// </summary>
public sealed class TenantDirectory
{
    /// <summary>The tenant of records whose file name gave no namespace.</summary>
    public const string UnknownTenant = "_unknown";

    private readonly Dictionary<string, TenantConfig> _configured;
    private readonly List<TenantConfig> _ordered;
    private readonly List<(byte[] Token, string? Tenant)> _tokens = [];
    private readonly long _defaultMemBufLimit;
    private readonly INamespaceLabels _labels;

    public TenantDirectory(PipelineConfig config, INamespaceLabels? labels = null)
    {
        _labels = labels ?? new UnknownNamespaceLabels();
        _ordered = config.Tenants;
        _configured = config.Tenants.ToDictionary(t => t.Name, StringComparer.Ordinal);
        foreach (var token in config.Auth.AdminTokens)
        {
            _tokens.Add((Encoding.UTF8.GetBytes(token), null));
        }

        foreach (var tenant in config.Tenants)
        {
            foreach (var token in tenant.Tokens)
            {
                _tokens.Add((Encoding.UTF8.GetBytes(token), tenant.Name));
            }
        }

        var inputLimit = config.Logs.Inputs.Count == 0 ? TailInputConfig.DefaultMemBufLimit : config.Logs.Inputs.Min(i => i.MemBufLimit);
        _defaultMemBufLimit = config.Logs.TenantMemBufLimit ?? Math.Max(1024 * 1024, inputLimit / LogsConfig.DefaultTenantBufferShare);
    }

    /// <summary>True when searches must carry a bearer token (any admin or tenant token is configured).</summary>
    public bool RequiresToken => _tokens.Count > 0;

    public IReadOnlyList<TenantConfig> Configured => _ordered;

    /// <summary>The tenant that owns <paramref name="namespaceName"/>.</summary>
    public string Resolve(string? namespaceName)
    {
        if (string.IsNullOrEmpty(namespaceName))
        {
            return UnknownTenant;
        }

        IReadOnlyDictionary<string, string>? labels = null;
        var labelsRead = false;
        foreach (var tenant in _ordered)
        {
            foreach (var pattern in tenant.Namespaces)
            {
                if (Wildcard.Matches(pattern, namespaceName))
                {
                    return tenant.Name;
                }
            }

            if (tenant.NamespaceLabels.Count > 0)
            {
                if (!labelsRead)
                {
                    labels = _labels.LabelsOf(namespaceName);
                    labelsRead = true;
                }

                if (labels is not null && tenant.NamespaceLabels.All(l => labels.TryGetValue(l.Key, out var value) && value == l.Value))
                {
                    return tenant.Name;
                }
            }
        }

        return _configured.ContainsKey(namespaceName) ? "_ns." + namespaceName : namespaceName;
    }

    /// <summary>The configured tenant of that name, or null for a namespace's own tenant.</summary>
    public TenantConfig? Find(string tenant) => _configured.GetValueOrDefault(tenant);

    /// <summary>Bytes a collector holds for this tenant before it pauses the tenant's files.</summary>
    public long MemBufLimit(string tenant) => Find(tenant)?.MemBufLimit ?? _defaultMemBufLimit;

    /// <summary>Whether records of <paramref name="tenant"/> go to the output named <paramref name="output"/>.</summary>
    public bool Routes(string tenant, string output) => Find(tenant) is not { Outputs.Count: > 0 } configured || configured.Outputs.Contains(output);

    /// <summary>
    /// What a bearer token may read. Without configured tokens everything is open; with them, an
    /// unknown or missing token gets nothing. Tokens are compared in constant time.
    /// </summary>
    public SearchAccess Authorize(string? bearerToken)
    {
        if (!RequiresToken)
        {
            return SearchAccess.Everything;
        }

        if (string.IsNullOrEmpty(bearerToken))
        {
            return SearchAccess.Denied;
        }

        var presented = Encoding.UTF8.GetBytes(bearerToken);
        SearchAccess access = SearchAccess.Denied;
        foreach (var (token, tenant) in _tokens)
        {
            // Every token is compared, so the time taken says nothing about which one (if any) matched.
            if (CryptographicOperations.FixedTimeEquals(token, presented))
            {
                access = tenant is null ? SearchAccess.Everything : SearchAccess.OnlyTenant(tenant);
            }
        }

        return access;
    }
}

/// <summary>What a search may see: nothing, one tenant's records, or every record.</summary>
public sealed record SearchAccess
{
    private SearchAccess(bool allowed, string? tenant)
    {
        Allowed = allowed;
        Tenant = tenant;
    }

    public bool Allowed { get; }

    /// <summary>The only tenant whose records may be returned; null with <see cref="Allowed"/>: every tenant.</summary>
    public string? Tenant { get; }

    public static readonly SearchAccess Denied = new(false, null);
    public static readonly SearchAccess Everything = new(true, null);

    public static SearchAccess OnlyTenant(string tenant) => new(true, tenant);
}
