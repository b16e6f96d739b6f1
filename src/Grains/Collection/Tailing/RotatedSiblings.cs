namespace Pipeline.Grains.Collection.Tailing;

/// <summary>
/// Finds the files a rotation left beside a log: <c>x.log.1</c>, <c>x.log.20261125-100000</c>,
/// <c>x.log-20261125</c>, next to the path and, when the path is a symbolic link, next to its target.
/// Compressed ones are left out: their bytes are no longer the log's bytes.
/// </summary>
internal static class RotatedSiblings
{
    private static readonly string[] CompressedSuffixes = [".gz", ".bz2", ".xz", ".zst", ".lz4", ".zip"];

    /// <summary>Candidate paths, most recently modified first.</summary>
    public static List<string> Find(string path)
    {
        var found = new List<(string Path, DateTime ModifiedAt)>();
        AddSiblings(path, found);
        try
        {
            if (File.ResolveLinkTarget(path, returnFinalTarget: true) is { } target && target.FullName != path)
            {
                AddSiblings(target.FullName, found);
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // A link that cannot be resolved leaves only the siblings of the link itself.
        }

        found.Sort(static (a, b) => b.ModifiedAt.CompareTo(a.ModifiedAt));
        var paths = new List<string>(found.Count);
        foreach (var (candidate, _) in found)
        {
            if (!paths.Contains(candidate))
            {
                paths.Add(candidate);
            }
        }

        return paths;
    }

    private static void AddSiblings(string path, List<(string, DateTime)> found)
    {
        var directory = System.IO.Path.GetDirectoryName(path);
        var name = System.IO.Path.GetFileName(path);
        if (string.IsNullOrEmpty(directory) || string.IsNullOrEmpty(name))
        {
            return;
        }

        try
        {
            foreach (var info in new DirectoryInfo(directory).EnumerateFiles())
            {
                var candidate = info.Name;
                if (candidate.Length > name.Length + 1
                    && candidate.StartsWith(name, StringComparison.Ordinal)
                    && candidate[name.Length] is '.' or '-' or '_'
                    && !IsCompressed(candidate))
                {
                    found.Add((info.FullName, info.LastWriteTimeUtc));
                }
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // The directory went away: no siblings.
        }
    }

    private static bool IsCompressed(string name)
    {
        foreach (var suffix in CompressedSuffixes)
        {
            if (name.EndsWith(suffix, StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }

        return false;
    }
}
