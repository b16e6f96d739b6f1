using System.Text;
using System.Text.Json;

namespace Pipeline.Tests.Support;

/// <summary>
/// An index's mapping: the tree of object and field mappers its template or create request gave
/// it, grown by dynamic mapping as documents bring new fields, with the index settings and
/// analyzers that govern both. <see cref="Index"/> parses a document as Elasticsearch does (see
/// <see cref="ElasticsearchStandInDocumentParser"/>); <see cref="Resolve"/> tells a query where a
/// field's values are and how to search them.
/// </summary>
public sealed class ElasticsearchStandInMapping
{
    private readonly object _gate = new();
    private Dictionary<string, ElasticsearchStandInField> _byPath = new(StringComparer.Ordinal);

    internal ElasticsearchStandInMapping(
        ElasticsearchStandInField root,
        IReadOnlyList<ElasticsearchStandInDynamicTemplate> dynamicTemplates,
        ElasticsearchStandInIndexSettings settings,
        ElasticsearchStandInAnalysis analysis)
    {
        Root = root;
        DynamicTemplates = dynamicTemplates;
        Settings = settings;
        Analysis = analysis;
        Reindex();
    }

    public ElasticsearchStandInIndexSettings Settings { get; }

    public ElasticsearchStandInAnalysis Analysis { get; }

    /// <summary>How many fields count against <c>index.mapping.total_fields.limit</c>: every object, field and multi-field.</summary>
    public long TotalFieldsCount { get; private set; }

    /// <summary>The full path of every mapped object, field and multi-field.</summary>
    public IReadOnlyCollection<string> FieldPaths
    {
        get
        {
            lock (_gate)
            {
                return [.. _byPath.Keys.Order(StringComparer.Ordinal)];
            }
        }
    }

    internal ElasticsearchStandInField Root { get; }

    internal IReadOnlyList<ElasticsearchStandInDynamicTemplate> DynamicTemplates { get; }

    internal bool DateDetection { get; init; } = true;

    internal bool NumericDetection { get; init; }

    internal IReadOnlyList<string> DynamicDateFormats { get; init; } = ElasticsearchStandInDates.DefaultDynamicFormats;

    /// <summary>
    /// Reads a <c>mappings</c> body for an index with <paramref name="settings"/>. A bad analysis
    /// definition throws its own error; a bad mapping throws <c>mapper_parsing_exception</c>
    /// "Failed to parse mapping: …" wrapping the reason, as Elasticsearch's MapperService does.
    /// </summary>
    public static ElasticsearchStandInMapping Parse(JsonElement? mappings, ElasticsearchStandInIndexSettings settings)
    {
        var analysis = ElasticsearchStandInAnalysis.Build(settings);
        try
        {
            return new ElasticsearchStandInMappingParser(analysis).Parse(mappings, settings);
        }
        catch (ElasticsearchStandInRequestException e)
        {
            throw new ElasticsearchStandInRequestException(400, e.Error.WrappedIn("mapper_parsing_exception", "Failed to parse mapping: " + e.Error.Reason));
        }
    }

    /// <summary>The mapping of an index created with neither template nor mappings.</summary>
    public static ElasticsearchStandInMapping Empty() => Parse(null, ElasticsearchStandInIndexSettings.Empty);

    /// <summary>The field's type, or <see cref="ElasticsearchStandInFieldType.Unmapped"/>; a key of a flattened field is a keyword.</summary>
    public ElasticsearchStandInFieldType TypeOf(string path) => Resolve(path)?.Kind ?? ElasticsearchStandInFieldType.Unmapped;

    /// <summary>
    /// Where a query's field name points: a mapped field or multi-field by its full path, or a key
    /// of a flattened field (<c>kubernetes.labels.app.kubernetes.io/name</c> is the key
    /// <c>app.kubernetes.io/name</c> of <c>kubernetes.labels</c>). Null when nothing is mapped there.
    /// </summary>
    public ElasticsearchStandInResolvedField? Resolve(string path)
    {
        if (path is "_id" or "_index")
        {
            return new ElasticsearchStandInResolvedField(path, ElasticsearchStandInFieldType.Keyword, null);
        }

        lock (_gate)
        {
            if (_byPath.TryGetValue(path, out var field))
            {
                var analyzer = field.Kind switch
                {
                    ElasticsearchStandInFieldType.Text => (field.SearchAnalyzer ?? field.Analyzer) is { } name ? Analysis.Analyzer(name) : Analysis.DefaultSearch,
                    ElasticsearchStandInFieldType.Keyword when field.Normalizer is { } normalizer => Analysis.Normalizer(normalizer),
                    _ => null,
                };
                return new ElasticsearchStandInResolvedField(path, field.Kind, analyzer);
            }

            for (var dot = path.LastIndexOf('.'); dot > 0; dot = path.LastIndexOf('.', dot - 1))
            {
                if (_byPath.TryGetValue(path[..dot], out var owner) && owner.Type == "flattened")
                {
                    return new ElasticsearchStandInResolvedField(path, ElasticsearchStandInFieldType.Keyword, null);
                }
            }
        }

        return null;
    }

    /// <summary>
    /// Parses a document as indexing does and, when it is accepted, adds the fields it brought to
    /// the mapping. <paramref name="dynamicTemplates"/> is the bulk action's <c>dynamic_templates</c>
    /// (field path → template name); <paramref name="dataStream"/> requires <c>@timestamp</c>.
    /// </summary>
    public ElasticsearchStandInParsedDocument Index(string sourceText, string id, IReadOnlyDictionary<string, string>? dynamicTemplates = null, bool dataStream = false)
    {
        var source = ElasticsearchStandInSourceValue.Parse(sourceText);
        lock (_gate)
        {
            var parser = new ElasticsearchStandInDocumentParser(this, id, dynamicTemplates);
            var parsed = parser.Parse(source, dataStream, Encoding.UTF8.GetByteCount(sourceText));
            if (parsed.Error is null && parser.Added.Count > 0)
            {
                foreach (var (parent, field) in parser.Added)
                {
                    parent.Properties[field.Name] = field;
                }

                Reindex();
            }

            return parsed;
        }
    }

    /// <summary>The mapping as <c>GET {index}/_mapping</c> shows its <c>mappings</c> part.</summary>
    public string ToJson()
    {
        lock (_gate)
        {
            var buffer = new MemoryStream();
            using (var writer = new Utf8JsonWriter(buffer))
            {
                writer.WriteStartObject();
                Root.WriteObjectOptions(writer);
                writer.WriteEndObject();
            }

            return Encoding.UTF8.GetString(buffer.ToArray());
        }
    }

    private void Reindex()
    {
        var byPath = new Dictionary<string, ElasticsearchStandInField>(StringComparer.Ordinal);
        void Visit(ElasticsearchStandInField field)
        {
            byPath[field.Path] = field;
            foreach (var sub in field.Fields.Values)
            {
                Visit(sub);
            }

            foreach (var child in field.Properties.Values)
            {
                Visit(child);
            }
        }

        foreach (var child in Root.Properties.Values)
        {
            Visit(child);
        }

        _byPath = byPath;
        TotalFieldsCount = Root.Properties.Values.Sum(p => p.TotalFieldsCount);
    }
}
