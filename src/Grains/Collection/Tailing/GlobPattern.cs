using System.IO.Enumeration;

namespace Pipeline.Grains.Collection.Tailing;

/// <summary>
/// A path glob. An absolute pattern (<c>/var/log/pods/**/*.log</c>) is matched segment by segment:
/// <c>*</c> is any run of characters within a segment, <c>?</c> one character, <c>[a-z]</c>,
/// <c>[!0-9]</c> or <c>[^0-9]</c> one character of a class, <c>\</c> escapes the next character,
/// and a segment that is exactly <c>**</c> matches zero or more directories. As in the shell, a
/// name starting with '.' is matched only by a pattern segment starting with '.'. A pattern with
/// no '/' (<c>*.gz</c>) matches file names wherever they are: useful for exclusions.
/// </summary>
public sealed class GlobPattern
{
    private const string RecursiveSegment = "**";

    private static readonly EnumerationOptions DirectoryListing = new()
    {
        AttributesToSkip = 0,
        IgnoreInaccessible = true,
        RecurseSubdirectories = false,
        ReturnSpecialDirectories = false,
    };

    private readonly string[] _segments;

    private GlobPattern(string pattern, string[] segments, bool isAbsolute)
    {
        Pattern = pattern;
        _segments = segments;
        IsAbsolute = isAbsolute;
    }

    /// <summary>The pattern as written.</summary>
    public string Pattern { get; }

    /// <summary>True for a pattern of absolute paths, false for a file-name pattern.</summary>
    public bool IsAbsolute { get; }

    /// <summary>Parses a pattern; throws <see cref="FormatException"/> saying what to write instead.</summary>
    public static GlobPattern Parse(string pattern)
    {
        ArgumentNullException.ThrowIfNull(pattern);
        if (pattern.Length == 0)
        {
            throw new FormatException("Empty path pattern (expected an absolute glob such as /var/log/containers/*.log).");
        }

        if (pattern[0] != '/')
        {
            if (pattern.Contains('/', StringComparison.Ordinal))
            {
                throw new FormatException($"Path pattern '{pattern}' is relative (expected an absolute glob such as /var/log/containers/*.log, or a bare file-name pattern such as *.gz).");
            }

            return new GlobPattern(pattern, [pattern], isAbsolute: false);
        }

        var segments = pattern.Split('/', StringSplitOptions.RemoveEmptyEntries);
        foreach (var segment in segments)
        {
            if (segment is "." or "..")
            {
                throw new FormatException($"Path pattern '{pattern}' holds a '{segment}' segment (write the path without it).");
            }
        }

        if (segments.Length == 0)
        {
            throw new FormatException($"Path pattern '{pattern}' names the root directory (expected files, such as /var/log/containers/*.log).");
        }

        return new GlobPattern(pattern, segments, isAbsolute: true);
    }

    /// <summary>True when <paramref name="path"/> (absolute) matches; a file-name pattern looks at the last segment only.</summary>
    public bool IsMatch(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (!IsAbsolute)
        {
            return MatchName(_segments[0], System.IO.Path.GetFileName(path.AsSpan()));
        }

        return MatchSegments(0, path.Split('/', StringSplitOptions.RemoveEmptyEntries), 0);
    }

    /// <summary>
    /// Paths of the non-directory entries that match, found by walking only the directories the
    /// pattern can reach. Symbolic links are listed under their own name; <c>**</c> does not descend
    /// into symbolically linked directories, so a link loop cannot trap the walk.
    /// </summary>
    public IReadOnlyCollection<string> EnumerateMatches()
    {
        if (!IsAbsolute)
        {
            throw new InvalidOperationException($"File-name pattern '{Pattern}' can only filter paths, not find them.");
        }

        var found = new HashSet<string>(StringComparer.Ordinal);
        Walk("/", 0, found);
        return found;
    }

    private void Walk(string directory, int index, HashSet<string> found)
    {
        var segment = _segments[index];
        var isLast = index == _segments.Length - 1;
        if (segment == RecursiveSegment)
        {
            if (isLast)
            {
                foreach (var (_, path, isDirectory, isLink) in List(directory))
                {
                    if (!isDirectory)
                    {
                        found.Add(path);
                    }
                    else if (!isLink)
                    {
                        Walk(path, index, found);
                    }
                }

                return;
            }

            Walk(directory, index + 1, found);
            foreach (var (_, path, isDirectory, isLink) in List(directory))
            {
                if (isDirectory && !isLink)
                {
                    Walk(path, index, found);
                }
            }

            return;
        }

        if (IsLiteral(segment))
        {
            var path = System.IO.Path.Join(directory, segment);
            if (!isLast)
            {
                if (Directory.Exists(path))
                {
                    Walk(path, index + 1, found);
                }
            }
            else if (File.Exists(path))
            {
                found.Add(path);
            }

            return;
        }

        foreach (var (name, path, isDirectory, isLink) in List(directory))
        {
            if (!MatchName(segment, name))
            {
                continue;
            }

            if (isLast)
            {
                if (!isDirectory)
                {
                    found.Add(path);
                }
            }
            else if (isDirectory || (isLink && Directory.Exists(path)))
            {
                Walk(path, index + 1, found);
            }
        }
    }

    private static List<(string Name, string Path, bool IsDirectory, bool IsLink)> List(string directory)
    {
        var entries = new List<(string, string, bool, bool)>();
        try
        {
            var enumerable = new FileSystemEnumerable<(string, string, bool, bool)>(
                directory,
                static (ref FileSystemEntry entry) => (
                    entry.FileName.ToString(),
                    entry.ToFullPath(),
                    entry.IsDirectory,
                    (entry.Attributes & FileAttributes.ReparsePoint) != 0),
                DirectoryListing);
            entries.AddRange(enumerable);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // A directory that vanished or is closed to us between two rescans simply has no matches.
        }

        return entries;
    }

    private bool MatchSegments(int index, string[] parts, int part)
    {
        while (index < _segments.Length)
        {
            var segment = _segments[index];
            if (segment == RecursiveSegment)
            {
                for (var next = part; next <= parts.Length; next++)
                {
                    if (MatchSegments(index + 1, parts, next))
                    {
                        return true;
                    }
                }

                return false;
            }

            if (part >= parts.Length || !MatchName(segment, parts[part]))
            {
                return false;
            }

            index++;
            part++;
        }

        return part == parts.Length;
    }

    private static bool IsLiteral(string segment) => segment.AsSpan().IndexOfAny("*?[\\") < 0;

    /// <summary>Matches one path segment; '*' backtracks to its last position only, which keeps this linear in practice.</summary>
    internal static bool MatchName(ReadOnlySpan<char> pattern, ReadOnlySpan<char> name)
    {
        if (name.Length > 0 && name[0] == '.' && (pattern.Length == 0 || pattern[0] != '.'))
        {
            return false;
        }

        int p = 0, n = 0, starPattern = -1, starName = 0;
        while (n < name.Length)
        {
            if (p < pattern.Length && TryStep(pattern, ref p, name[n], out var isStar))
            {
                if (isStar)
                {
                    starPattern = p;
                    starName = n;
                }
                else
                {
                    n++;
                }

                continue;
            }

            if (starPattern < 0)
            {
                return false;
            }

            p = starPattern;
            n = ++starName;
        }

        while (p < pattern.Length && pattern[p] == '*')
        {
            p++;
        }

        return p == pattern.Length;
    }

    /// <summary>Matches the pattern element at <paramref name="p"/> against one character, advancing past it on success.</summary>
    private static bool TryStep(ReadOnlySpan<char> pattern, ref int p, char c, out bool isStar)
    {
        isStar = false;
        switch (pattern[p])
        {
            case '*':
                p++;
                isStar = true;
                return true;
            case '?':
                p++;
                return true;
            case '[':
                var end = FindClassEnd(pattern, p);
                if (end > 0)
                {
                    if (!ClassContains(pattern[(p + 1)..end], c))
                    {
                        return false;
                    }

                    p = end + 1;
                    return true;
                }

                break;
            case '\\' when p + 1 < pattern.Length:
                if (pattern[p + 1] != c)
                {
                    return false;
                }

                p += 2;
                return true;
        }

        if (pattern[p] != c)
        {
            return false;
        }

        p++;
        return true;
    }

    /// <summary>Index of the ']' closing the class opened at <paramref name="open"/>, or -1: an unclosed '[' is a literal.</summary>
    private static int FindClassEnd(ReadOnlySpan<char> pattern, int open)
    {
        var i = open + 1;
        if (i < pattern.Length && pattern[i] is '!' or '^')
        {
            i++;
        }

        // A ']' right after the opening (or the negation) belongs to the class.
        if (i < pattern.Length && pattern[i] == ']')
        {
            i++;
        }

        var close = pattern[i..].IndexOf(']');
        return close < 0 ? -1 : i + close;
    }

    private static bool ClassContains(ReadOnlySpan<char> body, char c)
    {
        var negated = body.Length > 0 && body[0] is '!' or '^';
        if (negated)
        {
            body = body[1..];
        }

        var found = false;
        for (var i = 0; i < body.Length && !found; i++)
        {
            if (i + 2 < body.Length && body[i + 1] == '-')
            {
                found = c >= body[i] && c <= body[i + 2];
                i += 2;
            }
            else
            {
                found = body[i] == c;
            }
        }

        return found != negated;
    }
}
