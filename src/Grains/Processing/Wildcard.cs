namespace Pipeline.Grains.Processing;

/// <summary>Matching with <c>*</c> (any run of characters, empty included) as fluent-bit's <c>Match</c> and namespace patterns use it.</summary>
public static class Wildcard
{
    public static bool Matches(string pattern, string text) => Matches(pattern.AsSpan(), text.AsSpan());

    public static bool Matches(ReadOnlySpan<char> pattern, ReadOnlySpan<char> text)
    {
        var star = pattern.IndexOf('*');
        if (star < 0)
        {
            return pattern.SequenceEqual(text);
        }

        if (!text.StartsWith(pattern[..star]))
        {
            return false;
        }

        text = text[star..];
        pattern = pattern[(star + 1)..];
        while (true)
        {
            var next = pattern.IndexOf('*');
            if (next < 0)
            {
                return text.EndsWith(pattern);
            }

            var part = pattern[..next];
            var found = text.IndexOf(part);
            if (found < 0)
            {
                return false;
            }

            text = text[(found + part.Length)..];
            pattern = pattern[(next + 1)..];
        }
    }
}
