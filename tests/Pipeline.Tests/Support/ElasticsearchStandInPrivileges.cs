namespace Pipeline.Tests.Support;

/// <summary>
/// What the authenticated user may do, as Elasticsearch's security checks it: cluster privileges
/// (<c>monitor</c> for <c>GET /</c>, <c>manage_index_templates</c> for index templates) and index
/// privileges per index pattern (<c>create_doc</c>, <c>create_index</c>/<c>auto_configure</c> to
/// create an index on first write, <c>read</c> to search…), each implied by the broader ones
/// (<c>all</c> ⊃ <c>manage</c> ⊃ <c>monitor</c>; <c>all</c> ⊃ <c>write</c> ⊃ <c>index</c> ⊃
/// <c>create</c> ⊃ <c>create_doc</c>) because a privilege is the set of actions it grants.
/// <para>
/// The user starts with everything (as the <c>elastic</c> superuser would); a test takes away or
/// gives back privileges and the stand-in answers as Elasticsearch does: a request-level 403
/// <c>security_exception</c>, or for bulk items a per-item 403, with Elasticsearch's message naming
/// the action, the user, the roles and the privileges that would grant it. Rules apply in the
/// order given, later ones winning: <c>RevokeIndex("create_doc", "logs-*")</c> after the initial
/// <c>all</c> leaves every action but those <c>create_doc</c> grants.
/// </para>
/// </summary>
public sealed class ElasticsearchStandInPrivileges
{
    private readonly object _gate = new();
    private readonly List<(bool Grant, string Privilege)> _cluster = [];
    private readonly List<(bool Grant, string Privilege, string Pattern)> _index = [];

    public ElasticsearchStandInPrivileges()
    {
        Reset();
    }

    /// <summary>The user named in denials; <see cref="ElasticsearchStandIn.RequireBasicAuth"/> sets it to the user required.</summary>
    public string User { get; set; } = "pipeline";

    /// <summary>The roles named in denials (Elasticsearch prints them sorted, comma-separated).</summary>
    public IReadOnlyList<string> Roles { get; set; } = ["pipeline_writer"];

    /// <summary>Back to everything allowed.</summary>
    public void Reset()
    {
        lock (_gate)
        {
            _cluster.Clear();
            _index.Clear();
            _cluster.Add((true, "all"));
            _index.Add((true, "all", "*"));
        }
    }

    public void Grant(string cluster) => Cluster(true, cluster);

    public void Revoke(string cluster) => Cluster(false, cluster);

    public void GrantIndex(string privilege, string pattern = "*") => Index(true, privilege, pattern);

    public void RevokeIndex(string privilege, string pattern = "*") => Index(false, privilege, pattern);

    /// <summary>Whether the user may run <paramref name="action"/> (on <paramref name="index"/> for index actions).</summary>
    public bool Allows(string action, string? index = null)
    {
        lock (_gate)
        {
            if (ElasticsearchStandInPrivilegeCatalog.IsClusterAction(action))
            {
                return _cluster.Aggregate(false, (allowed, rule) =>
                    ElasticsearchStandInPrivilegeCatalog.Grants(ElasticsearchStandInPrivilegeCatalog.Cluster, rule.Privilege, action) ? rule.Grant : allowed);
            }

            if (index is not null)
            {
                return _index.Aggregate(false, (allowed, rule) =>
                    ElasticsearchStandInText.WildcardMatches(rule.Pattern, index)
                    && ElasticsearchStandInPrivilegeCatalog.Grants(ElasticsearchStandInPrivilegeCatalog.Index, rule.Privilege, action) ? rule.Grant : allowed);
            }

            // A request over many indices (a bulk) passes when some index pattern keeps the action.
            for (var i = 0; i < _index.Count; i++)
            {
                var (grant, privilege, pattern) = _index[i];
                if (grant && ElasticsearchStandInPrivilegeCatalog.Grants(ElasticsearchStandInPrivilegeCatalog.Index, privilege, action)
                    && !_index.Skip(i + 1).Any(r => !r.Grant && (r.Pattern == "*" || r.Pattern == pattern)
                        && ElasticsearchStandInPrivilegeCatalog.Grants(ElasticsearchStandInPrivilegeCatalog.Index, r.Privilege, action)))
                {
                    return true;
                }
            }

            return false;
        }
    }

    /// <summary>
    /// Elasticsearch's denial message (x-pack security's <c>AuthorizationDenialMessages</c>):
    /// <c>action [indices:admin/auto_create] is unauthorized for user [pipeline] with effective roles
    /// [pipeline_writer] on indices [logs-x], this action is granted by the index privileges
    /// [auto_configure,create_index,manage,all]</c>.
    /// </summary>
    public string DeniedMessage(string action, IEnumerable<string>? indices = null)
    {
        var message = $"action [{action}] is unauthorized for user [{User}] with effective roles [{string.Join(',', Roles.Order(StringComparer.Ordinal))}]";
        if (indices?.ToList() is { Count: > 0 } names)
        {
            message += $" on indices [{string.Join(',', names)}]";
        }

        var privileges = ElasticsearchStandInPrivilegeCatalog.GrantedBy(action).ToList();
        if (privileges.Count > 0)
        {
            var kind = ElasticsearchStandInPrivilegeCatalog.IsClusterAction(action) ? "cluster" : "index";
            message += $", this action is granted by the {kind} privileges [{string.Join(',', privileges)}]";
        }

        return message;
    }

    /// <summary>The error Elasticsearch answers a denied action with (HTTP 403).</summary>
    public ElasticsearchStandInError Denial(string action, IEnumerable<string>? indices = null) =>
        new("security_exception", DeniedMessage(action, indices));

    private void Cluster(bool grant, string privilege)
    {
        if (!ElasticsearchStandInPrivilegeCatalog.Known(ElasticsearchStandInPrivilegeCatalog.Cluster, privilege))
        {
            throw new ArgumentException($"the stand-in knows no cluster privilege [{privilege}] (it knows {string.Join(", ", ElasticsearchStandInPrivilegeCatalog.Cluster.Select(p => p.Name))})", nameof(privilege));
        }

        lock (_gate)
        {
            _cluster.Add((grant, privilege));
        }
    }

    private void Index(bool grant, string privilege, string pattern)
    {
        if (!ElasticsearchStandInPrivilegeCatalog.Known(ElasticsearchStandInPrivilegeCatalog.Index, privilege))
        {
            throw new ArgumentException($"the stand-in knows no index privilege [{privilege}] (it knows {string.Join(", ", ElasticsearchStandInPrivilegeCatalog.Index.Select(p => p.Name))})", nameof(privilege));
        }

        lock (_gate)
        {
            _index.Add((grant, privilege, pattern));
        }
    }
}
