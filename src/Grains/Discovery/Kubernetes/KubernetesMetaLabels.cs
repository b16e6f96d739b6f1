using System.Globalization;
using System.Net;

namespace Pipeline.Grains.Discovery.Kubernetes;

/// <summary>Names and helpers for the <c>__meta_kubernetes_*</c> labels shared by the roles.</summary>
internal static class KubernetesMetaLabels
{
    public const string Prefix = "__meta_kubernetes_";
    public const string Namespace = Prefix + "namespace";
    public const string Address = "__address__";
    public const string Instance = "instance";

    /// <summary>Replaces every character outside <c>[a-zA-Z0-9_]</c> by <c>_</c>, as Prometheus does for names taken from labels, annotations and address types.</summary>
    public static string Sanitize(string name)
    {
        var clean = true;
        foreach (var c in name)
        {
            if (!IsNameChar(c))
            {
                clean = false;
                break;
            }
        }

        if (clean)
        {
            return name;
        }

        return string.Create(name.Length, name, static (span, source) =>
        {
            for (var i = 0; i < source.Length; i++)
            {
                span[i] = IsNameChar(source[i]) ? source[i] : '_';
            }
        });
    }

    /// <summary>Adds <c>{prefix}label_x</c>/<c>labelpresent_x</c> and <c>annotation_x</c>/<c>annotationpresent_x</c> for an object's metadata.</summary>
    public static void AddLabelsAndAnnotations(Dictionary<string, string> into, string prefix, IDictionary<string, string>? labels, IDictionary<string, string>? annotations)
    {
        if (labels is not null)
        {
            foreach (var (name, value) in labels)
            {
                var clean = Sanitize(name);
                into[prefix + "label_" + clean] = value;
                into[prefix + "labelpresent_" + clean] = "true";
            }
        }

        if (annotations is not null)
        {
            foreach (var (name, value) in annotations)
            {
                var clean = Sanitize(name);
                into[prefix + "annotation_" + clean] = value;
                into[prefix + "annotationpresent_" + clean] = "true";
            }
        }
    }

    /// <summary><c>host:port</c>, with brackets around an IPv6 host.</summary>
    public static string HostPort(string host, int port)
    {
        var text = port.ToString(CultureInfo.InvariantCulture);
        return host.Contains(':', StringComparison.Ordinal) && IPAddress.TryParse(host, out _)
            ? "[" + host + "]:" + text
            : host + ":" + text;
    }

    public static string Bool(bool value) => value ? "true" : "false";

    private static bool IsNameChar(char c) => c is (>= 'a' and <= 'z') or (>= 'A' and <= 'Z') or (>= '0' and <= '9') or '_';
}
