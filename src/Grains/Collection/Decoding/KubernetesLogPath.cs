using System.Buffers;
using System.Diagnostics.CodeAnalysis;

namespace Pipeline.Grains.Collection.Decoding;

/// <summary>
/// Reads Kubernetes metadata from a container log file path. Only the last path segments
/// count, so files under any directory (tests, the demo's temp dirs) are recognised:
/// <list type="bullet">
/// <item><c>…/&lt;namespace&gt;_&lt;pod&gt;_&lt;pod-uid&gt;/&lt;container&gt;/&lt;restart&gt;.log</c>, or <c>.log.&lt;timestamp&gt;</c> once rotated (kubelet);</item>
/// <item><c>…/&lt;pod&gt;_&lt;namespace&gt;_&lt;container&gt;-&lt;container-id&gt;.log</c> (kubelet symlink, cut at 255 bytes);</item>
/// <item><c>…/&lt;id&gt;/&lt;id&gt;-json.log</c>, or <c>.log.&lt;n&gt;</c> once rotated (docker json-file).</item>
/// </list>
/// </summary>
public static class KubernetesLogPath
{
    /// <summary>The kubelet cuts symlink names to this many bytes (ext4's limit), <c>.log</c> included.</summary>
    public const int MaxFileNameBytes = 255;

    private const int ContainerIdLength = 64;

    private static readonly SearchValues<char> LowerHexDigits = SearchValues.Create("0123456789abcdef");

    /// <returns>False when the path matches none of the forms.</returns>
    public static bool TryParse(string path, [NotNullWhen(true)] out KubernetesLogPathInfo? info)
    {
        ArgumentNullException.ThrowIfNull(path);
        var rest = path.AsSpan().TrimEnd('/');
        var fileName = LastSegment(rest, out rest);
        var parent = LastSegment(rest, out rest);
        var grandparent = LastSegment(rest, out _);

        info = TryParseDocker(fileName)
            ?? TryParsePodsDirectory(fileName, parent, grandparent)
            ?? TryParseContainersLink(fileName);
        return info is not null;
    }

    // <id>-json.log or <id>-json.log.<n>
    private static KubernetesLogPathInfo? TryParseDocker(ReadOnlySpan<char> fileName)
    {
        var marker = fileName.IndexOf("-json.log", StringComparison.Ordinal);
        if (marker != ContainerIdLength || !IsHex(fileName[..marker]))
        {
            return null;
        }

        var suffix = fileName[(marker + "-json.log".Length)..];
        if (!suffix.IsEmpty && (suffix[0] != '.' || suffix.Length == 1 || !IsDigits(suffix[1..])))
        {
            return null;
        }

        return new KubernetesLogPathInfo { ContainerId = fileName[..marker].ToString() };
    }

    // <namespace>_<pod>_<uid>/<container>/<restart>.log[.<timestamp>]
    private static KubernetesLogPathInfo? TryParsePodsDirectory(ReadOnlySpan<char> fileName, ReadOnlySpan<char> container, ReadOnlySpan<char> podDirectory)
    {
        var dot = fileName.IndexOf('.');
        if (dot <= 0 || !IsDigits(fileName[..dot]) || !int.TryParse(fileName[..dot], out var restartCount))
        {
            return null;
        }

        var extension = fileName[dot..];
        if (!extension.StartsWith(".log", StringComparison.Ordinal))
        {
            return null;
        }

        // Rotated by the kubelet: 0.log.20261125-100000 (compressed .gz ones are not followed).
        var rotation = extension[4..];
        if (!rotation.IsEmpty && (rotation[0] != '.' || !IsTimestamp(rotation[1..])))
        {
            return null;
        }

        if (container.IsEmpty || container.Contains('_'))
        {
            return null;
        }

        var first = podDirectory.IndexOf('_');
        var last = podDirectory.LastIndexOf('_');
        if (first <= 0 || last == first || last == podDirectory.Length - 1 || podDirectory[(first + 1)..last].Contains('_'))
        {
            return null;
        }

        return new KubernetesLogPathInfo
        {
            Namespace = podDirectory[..first].ToString(),
            PodName = podDirectory[(first + 1)..last].ToString(),
            PodId = podDirectory[(last + 1)..].ToString(),
            ContainerName = container.ToString(),
            RestartCount = restartCount,
        };
    }

    // <pod>_<namespace>_<container>-<id>.log, cut to 255 bytes by the kubelet (which keeps .log, but a
    // copy by other tools may not): the id may be short or gone, and with it part of the container name.
    private static KubernetesLogPathInfo? TryParseContainersLink(ReadOnlySpan<char> fileName)
    {
        var hasSuffix = fileName.EndsWith(".log", StringComparison.Ordinal);
        var name = hasSuffix ? fileName[..^4] : fileName;
        var first = name.IndexOf('_');
        if (first <= 0)
        {
            return null;
        }

        var cut = !hasSuffix || System.Text.Encoding.UTF8.GetByteCount(fileName) >= MaxFileNameBytes;
        var second = name[(first + 1)..].IndexOf('_');
        if (second < 0 && hasSuffix && cut)
        {
            // A pod name so long the kubelet cut inside the namespace: only the pod name is whole.
            return new KubernetesLogPathInfo { PodName = name[..first].ToString(), NameCut = true };
        }

        if (second <= 0)
        {
            return null;
        }

        second += first + 1;
        var containerPart = name[(second + 1)..];
        if (containerPart.Contains('_'))
        {
            return null;
        }

        var dash = containerPart.LastIndexOf('-');
        var id = dash < 0 ? [] : containerPart[(dash + 1)..];
        string? containerName = null;
        string? containerId = null;
        if (dash > 0 && id.Length == ContainerIdLength && IsHex(id))
        {
            containerName = containerPart[..dash].ToString();
            containerId = id.ToString();
            cut = false;
        }
        else if (!cut)
        {
            // Not cut, so the kubelet's "-<id>" is there even if the id is not 64 hex digits (hand-made names).
            var whole = dash > 0 ? containerPart[..dash] : containerPart;
            containerName = whole.IsEmpty ? null : whole.ToString();
            containerId = dash > 0 && !id.IsEmpty ? id.ToString() : null;
        }
        else if (dash > 0 && IsHex(id))
        {
            // Cut inside the id: the name before it is whole; a cut id prefix is of no use as an id.
            containerName = containerPart[..dash].ToString();
        }

        return new KubernetesLogPathInfo
        {
            PodName = name[..first].ToString(),
            Namespace = name[(first + 1)..second].ToString(),
            ContainerName = containerName,
            ContainerId = containerId,
            NameCut = cut,
        };
    }

    private static ReadOnlySpan<char> LastSegment(ReadOnlySpan<char> path, out ReadOnlySpan<char> before)
    {
        var slash = path.LastIndexOf('/');
        before = slash < 0 ? [] : path[..slash];
        return path[(slash + 1)..];
    }

    private static bool IsHex(ReadOnlySpan<char> text) => !text.IsEmpty && !text.ContainsAnyExcept(LowerHexDigits);

    private static bool IsDigits(ReadOnlySpan<char> text) => !text.IsEmpty && !text.ContainsAnyExceptInRange('0', '9');

    // The kubelet's rotation suffix, 20261125-100000.
    private static bool IsTimestamp(ReadOnlySpan<char> text)
        => text.Length == 15 && text[8] == '-' && IsDigits(text[..8]) && IsDigits(text[9..]);
}
