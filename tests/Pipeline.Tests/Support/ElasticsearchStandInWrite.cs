namespace Pipeline.Tests.Support;

/// <summary>One write to the stand-in (a bulk item or a document API call): what was asked, then what came of it.</summary>
/// <param name="action">index, create, delete or update (an <c>index</c> with <c>op_type: create</c> is a create).</param>
/// <param name="index">The target index; empty when the request named none.</param>
/// <param name="id">The <c>_id</c> asked for; null when the server generates one (filled in when it does).</param>
internal sealed class ElasticsearchStandInWrite(string action, string index, string? id)
{
    public string Action { get; } = action;

    public string Index { get; } = index;

    public string? Id { get; set; } = id;

    /// <summary>The document line, null for a delete.</summary>
    public string? SourceText { get; set; }

    public long? IfSeqNo { get; init; }

    public long? IfPrimaryTerm { get; init; }

    /// <summary>The ingest pipeline asked for, if any.</summary>
    public string? Pipeline { get; init; }

    /// <summary>The item's <c>require_alias</c>, else the request's: a missing index is then a 404 instead of being created.</summary>
    public bool? RequireAlias { get; set; }

    /// <summary>The item's <c>dynamic_templates</c>: field path → the dynamic template to map it with.</summary>
    public IReadOnlyDictionary<string, string>? DynamicTemplates { get; init; }

    /// <summary>200, 201 or 404 (delete of a missing document) when it went through.</summary>
    public int Status { get; set; }

    /// <summary>created, updated, deleted or not_found.</summary>
    public string Result { get; set; } = "";

    public int Version { get; set; }

    public long SeqNo { get; set; } = -1;

    /// <summary>Where the write stands among all the stand-in's writes; a <c>wait_for</c> waits for a refresh past it.</summary>
    public long Position { get; set; }

    /// <summary>Why it was refused, as Elasticsearch would answer the item.</summary>
    public (int Status, string Type, string Reason)? Error { get; set; }

    /// <summary>What the refusal wraps (<c>caused_by</c>), when it wraps something.</summary>
    public ElasticsearchStandInError? CausedBy { get; set; }

    /// <summary>The index it changed, which its <c>refresh</c> policy applies to.</summary>
    public ElasticsearchStandInIndex? Target { get; set; }

    /// <summary>Its index was refreshed for it (<c>refresh=true</c>, or <c>wait_for</c> out of listener slots).</summary>
    public bool ForcedRefresh { get; set; }
}
