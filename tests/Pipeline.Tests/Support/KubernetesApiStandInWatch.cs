using System.Text.Json.Nodes;
using System.Threading.Channels;

namespace Pipeline.Tests.Support;

/// <summary>One open watch on the Kubernetes API stand-in: its filters and the event lines waiting to be written.</summary>
internal sealed class KubernetesApiStandInWatch
{
    public KubernetesApiStandInWatch(KubernetesApiStandInResource resource, string? ns, KubernetesApiStandInSelector labels, KubernetesApiStandInSelector fields, bool bookmarks)
    {
        Resource = resource;
        Namespace = ns;
        Labels = labels;
        Fields = fields;
        Bookmarks = bookmarks;
    }

    public KubernetesApiStandInResource Resource { get; }

    public string? Namespace { get; }

    public KubernetesApiStandInSelector Labels { get; }

    public KubernetesApiStandInSelector Fields { get; }

    public bool Bookmarks { get; }

    public Channel<string> Lines { get; } = Channel.CreateUnbounded<string>();

    /// <summary>Cancelled to drop the connection without ending the response.</summary>
    public CancellationTokenSource Abort { get; } = new();

    public bool Selects(JsonObject? item) =>
        item is not null
        && (Namespace is null || item["metadata"]?["namespace"]?.GetValue<string>() == Namespace)
        && Labels.Matches(item)
        && Fields.Matches(item);

    /// <summary>The event this watch sees for a change from <paramref name="before"/> to <paramref name="after"/>, as the API server filters it.</summary>
    public string? EventFor(string type, JsonObject? before, JsonObject? after)
    {
        var was = Selects(before);
        var now = Selects(after);
        return (type, was, now) switch
        {
            ("DELETED", true, _) => Line("DELETED", before!),
            ("DELETED", false, _) => null,
            (_, false, true) => Line("ADDED", after!),
            ("MODIFIED", true, true) => Line("MODIFIED", after!),
            ("ADDED", _, true) => Line("ADDED", after!),
            (_, true, false) => Line("DELETED", after!),
            _ => null,
        };
    }

    public static string Line(string type, JsonNode item) =>
        new JsonObject { ["type"] = type, ["object"] = item.DeepClone() }.ToJsonString();
}
