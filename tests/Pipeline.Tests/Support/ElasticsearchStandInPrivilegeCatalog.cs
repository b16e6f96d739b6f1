namespace Pipeline.Tests.Support;

/// <summary>
/// Elasticsearch's named privileges as action patterns (from x-pack's <c>ClusterPrivilegeResolver</c>
/// and <c>IndexPrivilege</c>, the ones a log shipper's role meets), in the order Elasticsearch
/// lists them in "this action is granted by the … privileges [...]": least privileged first, as
/// its <c>sortByAccessLevel</c> orders them (by how many other privileges include each, then by
/// name), so <c>create_doc</c> comes before <c>create</c>, <c>index</c>, <c>write</c> and <c>all</c>.
/// </summary>
internal static class ElasticsearchStandInPrivilegeCatalog
{
    /// <summary>Index privileges, in Elasticsearch's listing order.</summary>
    public static readonly IReadOnlyList<(string Name, string[] Patterns)> Index =
    [
        ("create_doc", ["indices:data/write/index", "indices:data/write/index[*", "indices:data/write/index:op_type/create", "indices:data/write/bulk*", "indices:data/write/simulate/bulk*"]),
        ("create", ["indices:data/write/index*", "indices:data/write/bulk*", "indices:data/write/simulate/bulk*"]),
        ("auto_configure", ["indices:admin/mapping/auto_put", "indices:admin/auto_create"]),
        ("create_index", ["indices:admin/create", "indices:admin/auto_create", "indices:admin/data_stream/create"]),
        ("delete", ["indices:data/write/delete*", "indices:data/write/bulk*"]),
        ("delete_index", ["indices:admin/delete", "indices:admin/data_stream/delete"]),
        ("index", ["indices:data/write/index*", "indices:data/write/bulk*", "indices:data/write/update*", "indices:data/write/simulate/bulk*"]),
        ("maintenance", ["indices:admin/refresh*", "indices:admin/flush*", "indices:admin/synced_flush", "indices:admin/forcemerge*"]),
        ("monitor", ["indices:monitor/*"]),
        ("view_index_metadata", ["indices:admin/get", "indices:admin/mappings/get", "indices:admin/mappings/fields/get*", "indices:admin/aliases/get", "indices:admin/settings/get", "indices:admin/data_stream/get", "indices:admin/resolve/index"]),
        ("manage", ["indices:admin/*", "indices:monitor/*", "indices:data/read/field_caps*"]),
        ("read", ["indices:data/read/*", "indices:admin/resolve/index", "indices:admin/resolve/cluster"]),
        ("write", ["indices:data/write/*", "indices:admin/mapping/auto_put"]),
        ("all", ["indices:*"]),
    ];

    /// <summary>Cluster privileges, in Elasticsearch's listing order.</summary>
    public static readonly IReadOnlyList<(string Name, string[] Patterns)> Cluster =
    [
        ("manage_index_templates", ["indices:admin/template/*", "indices:admin/index_template/*", "cluster:admin/component_template/*"]),
        ("manage_pipeline", ["cluster:admin/ingest/pipeline/*"]),
        ("monitor", ["cluster:monitor/*"]),
        ("manage", ["cluster:*", "indices:admin/template/*", "indices:admin/index_template/*"]),
        ("all", ["cluster:*", "indices:admin/template/*", "indices:admin/index_template/*"]),
    ];

    /// <summary>Actions Elasticsearch authorizes against cluster privileges (index templates are cluster-wide).</summary>
    public static bool IsClusterAction(string action) =>
        action.StartsWith("cluster:", StringComparison.Ordinal)
        || action.StartsWith("indices:admin/template/", StringComparison.Ordinal)
        || action.StartsWith("indices:admin/index_template/", StringComparison.Ordinal);

    public static bool Grants(IReadOnlyList<(string Name, string[] Patterns)> catalog, string privilege, string action) =>
        catalog.FirstOrDefault(p => p.Name == privilege).Patterns is { } patterns && patterns.Any(p => ElasticsearchStandInText.WildcardMatches(p, action));

    /// <summary>The privileges that grant <paramref name="action"/>, in Elasticsearch's order.</summary>
    public static IEnumerable<string> GrantedBy(string action)
    {
        var catalog = IsClusterAction(action) ? Cluster : Index;
        return catalog.Where(p => p.Patterns.Any(pattern => ElasticsearchStandInText.WildcardMatches(pattern, action))).Select(p => p.Name);
    }

    public static bool Known(IReadOnlyList<(string Name, string[] Patterns)> catalog, string privilege) => catalog.Any(p => p.Name == privilege);
}
