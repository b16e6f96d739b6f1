using System.IO.Compression;

namespace Pipeline.Grains.Scraping.Exposition;

/// <summary>Wraps a response stream by its Content-Encoding, so the parser reads plain bytes as they arrive.</summary>
public static class ScrapeBodyDecoding
{
    /// <summary>The Accept-Encoding header of a scrape.</summary>
    public const string AcceptEncodingHeader = "gzip";

    /// <summary>
    /// The body to read: <paramref name="body"/> itself when there is no encoding (or
    /// <c>identity</c>), else a decompressing stream that owns it.
    /// </summary>
    /// <exception cref="ExpositionException">The encoding is not one of gzip, deflate, br, identity.</exception>
    public static Stream Open(Stream body, string? contentEncoding)
    {
        ArgumentNullException.ThrowIfNull(body);
        var encoding = contentEncoding.AsSpan().Trim();
        if (encoding.IsEmpty || encoding.Equals("identity", StringComparison.OrdinalIgnoreCase))
        {
            return body;
        }

        if (encoding.Equals("gzip", StringComparison.OrdinalIgnoreCase) || encoding.Equals("x-gzip", StringComparison.OrdinalIgnoreCase))
        {
            return new GzipTruncationCheckStream(body);
        }

        // HTTP's "deflate" is the zlib format.
        if (encoding.Equals("deflate", StringComparison.OrdinalIgnoreCase))
        {
            return new ZLibStream(body, CompressionMode.Decompress, leaveOpen: false);
        }

        if (encoding.Equals("br", StringComparison.OrdinalIgnoreCase))
        {
            return new BrotliStream(body, CompressionMode.Decompress, leaveOpen: false);
        }

        throw new ExpositionException(new ExpositionError(
            ExpositionErrorKind.Encoding,
            $"unsupported Content-Encoding \"{contentEncoding}\" (expected gzip, deflate, br or identity)",
            0));
    }
}
