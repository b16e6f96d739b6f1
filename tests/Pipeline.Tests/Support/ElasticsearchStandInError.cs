using System.Text.Json;

namespace Pipeline.Tests.Support;

/// <summary>
/// An Elasticsearch error as the REST layer writes it: a type, a reason and the chain of causes
/// (<c>caused_by</c>). Clients and users read these, so the stand-in builds them with
/// Elasticsearch's wording and nesting rather than a flat type and reason.
/// </summary>
/// <param name="Type">The snake-case exception name, e.g. <c>document_parsing_exception</c>.</param>
/// <param name="Reason">The message.</param>
/// <param name="CausedBy">The exception this one wraps, if any.</param>
public sealed record ElasticsearchStandInError(string Type, string Reason, ElasticsearchStandInError? CausedBy = null)
{
    // Exceptions that extend ElasticsearchException. Elasticsearch's root_cause walks down the
    // chain only through these; a plain Java exception (illegal_argument_exception…) is its own root.
    private static readonly HashSet<string> ElasticsearchExceptions = new(StringComparer.Ordinal)
    {
        "document_parsing_exception", "mapper_parsing_exception", "strict_dynamic_mapping_exception",
        "security_exception", "invalid_index_template_exception", "action_request_validation_exception",
        "index_not_found_exception", "resource_already_exists_exception", "version_conflict_engine_exception",
        "invalid_index_name_exception", "parse_exception", "settings_exception",
    };

    /// <summary>The innermost cause Elasticsearch reports as <c>root_cause</c>.</summary>
    public ElasticsearchStandInError RootCause =>
        ElasticsearchExceptions.Contains(Type) && CausedBy is { } cause && ElasticsearchExceptions.Contains(cause.Type) ? cause.RootCause : this;

    /// <summary>Writes <c>type</c>, <c>reason</c> and the <c>caused_by</c> chain into the current object.</summary>
    public void WriteMembers(Utf8JsonWriter writer)
    {
        writer.WriteString("type", Type);
        writer.WriteString("reason", Reason);
        if (CausedBy is { } cause)
        {
            writer.WriteStartObject("caused_by");
            cause.WriteMembers(writer);
            writer.WriteEndObject();
        }
    }

    /// <summary>Wraps this error in <paramref name="type"/> with <paramref name="reason"/>, as a Java exception wrapping its cause.</summary>
    public ElasticsearchStandInError WrappedIn(string type, string reason) => new(type, reason, this);
}
