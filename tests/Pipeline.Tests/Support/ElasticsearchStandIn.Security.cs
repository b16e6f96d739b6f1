namespace Pipeline.Tests.Support;

/// <summary>
/// Authorization: every request the stand-in serves is checked against <see cref="Privileges"/>
/// for the action Elasticsearch authorizes it as (<c>cluster:monitor/main</c>,
/// <c>indices:admin/index_template/put</c>, <c>indices:data/write/bulk</c> and per bulk item
/// <c>indices:admin/auto_create</c>, <c>indices:data/write/bulk[s]</c> and the item's implied
/// action, <c>indices:data/read/search</c>…) and refused as Elasticsearch's security refuses it.
/// </summary>
public sealed partial class ElasticsearchStandIn
{
    /// <summary>The authenticated user's privileges; everything until a test revokes some.</summary>
    public ElasticsearchStandInPrivileges Privileges { get; } = new();

    /// <summary>Throws Elasticsearch's 403 when the user may not run <paramref name="action"/> (on <paramref name="index"/>).</summary>
    private void Authorize(string action, string? index = null)
    {
        if (!Privileges.Allows(action, index))
        {
            throw new ElasticsearchStandInRequestException(403, Privileges.Denial(action, index is null ? null : [index]));
        }
    }

    /// <summary>
    /// Why a bulk item may not be written, as the security layer answers it per item: the shard
    /// request (<c>bulk[s]</c>) needs a write privilege on the index, the item itself its implied
    /// action (<c>index:op_type/create</c> for create, <c>index:op_type/index</c> for index…).
    /// </summary>
    private ElasticsearchStandInError? BulkItemDenial(string action, string index)
    {
        const string Shard = "indices:data/write/bulk[s]";
        if (!Privileges.Allows(Shard, index))
        {
            return Privileges.Denial(Shard, [index]);
        }

        var implied = action switch
        {
            "create" => "indices:data/write/index:op_type/create",
            "index" => "indices:data/write/index:op_type/index",
            "delete" => "indices:data/write/delete",
            _ => "indices:data/write/update",
        };
        return Privileges.Allows(implied, index) ? null : Privileges.Denial(implied, [index]);
    }

    /// <summary>The action a whole-request 403 from <see cref="FailRequests"/> names, by the path it fails.</summary>
    private static string ActionFor(string pathPrefix) => pathPrefix switch
    {
        "" or "/" => "cluster:monitor/main",
        _ when pathPrefix.StartsWith("/_index_template", StringComparison.Ordinal) => "indices:admin/index_template/put",
        _ when pathPrefix.Contains("_search", StringComparison.Ordinal) || pathPrefix.EndsWith('*') => "indices:data/read/search",
        _ => "indices:data/write/bulk",
    };
}
