using System.Buffers;
using System.IO.Pipelines;

namespace Pipeline.Grains.Scraping.Exposition;

/// <summary>
/// Parses scrape bodies in the Prometheus text format 0.0.4 or OpenMetrics 1.0, streaming:
/// complete lines are parsed where they lie in the caller's chunk and only a line cut by a
/// chunk boundary is copied, so a body is never held twice. One parser per target, reused
/// across its scrapes (its buffers and its <see cref="ExpositionNameCache"/> are what make a
/// steady scrape allocation-free); not thread-safe.
/// </summary>
/// <remarks>
/// Either call <see cref="ParseAsync(Stream, ExpositionFormat, IExpositionVisitor, CancellationToken)"/>
/// (or the <see cref="PipeReader"/> / span overloads), or drive it by hand with
/// <see cref="Begin"/>, <see cref="Feed"/> and <see cref="Complete"/>. A failed body stops at
/// its first error; the samples the visitor saw before it belong to a failed scrape.
/// </remarks>
public sealed partial class ExpositionParser
{
    private const int StreamChunkBytes = 64 * 1024;

    private readonly ExpositionLimits _limits;
    private readonly ExpositionNameCache _names;

    private IExpositionVisitor? _visitor;
    private bool _openMetrics;
    private bool _active;
    private bool _sawEof;
    private int _line;
    private int _samples;
    private long _bodyBytes;
    private ExpositionError? _error;

    // The start of a line cut by a chunk boundary; rented while it is needed.
    private byte[]? _carry;
    private int _carryLength;

    public ExpositionParser(ExpositionLimits? limits = null, ExpositionNameCache? names = null)
    {
        _limits = limits ?? new ExpositionLimits();
        if (_limits.MaxLineBytes <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(limits), _limits.MaxLineBytes, "MaxLineBytes must be positive.");
        }

        _names = names ?? new ExpositionNameCache();
    }

    public ExpositionLimits Limits => _limits;

    public ExpositionNameCache Names => _names;

    /// <summary>
    /// Parses one HTTP response body: the format from its Content-Type, decompressed by its
    /// Content-Encoding. The parser reads <paramref name="body"/> to its end (or to the first
    /// error) and disposes of it.
    /// </summary>
    public async ValueTask<ExpositionResult> ParseResponseAsync(
        Stream body,
        string? contentType,
        string? contentEncoding,
        IExpositionVisitor visitor,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(body);
        Stream decoded;
        try
        {
            decoded = ScrapeBodyDecoding.Open(body, contentEncoding);
        }
        catch (ExpositionException e)
        {
            await body.DisposeAsync().ConfigureAwait(false);
            return new ExpositionResult(0, 0, e.Error);
        }

        await using (decoded.ConfigureAwait(false))
        {
            return await ParseAsync(decoded, ExpositionFormats.FromContentType(contentType), visitor, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Parses a (decompressed) body read from <paramref name="body"/> in 64 KiB chunks.</summary>
    public async ValueTask<ExpositionResult> ParseAsync(Stream body, ExpositionFormat format, IExpositionVisitor visitor, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(body);
        Begin(format, visitor);
        var buffer = ArrayPool<byte>.Shared.Rent(StreamChunkBytes);
        try
        {
            while (true)
            {
                int read;
                try
                {
                    read = await body.ReadAsync(buffer.AsMemory(0, StreamChunkBytes), cancellationToken).ConfigureAwait(false);
                }
                catch (InvalidDataException e)
                {
                    // A truncated or corrupt gzip/deflate/br body.
                    return Abort(new ExpositionError(ExpositionErrorKind.Encoding, $"cannot decompress the body: {e.Message}", 0));
                }

                if (read == 0 || !Feed(buffer.AsSpan(0, read)))
                {
                    break;
                }
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }

        return Complete();
    }

    /// <summary>Parses a body from a pipe, segment by segment; the reader is advanced past what was read, not completed.</summary>
    public async ValueTask<ExpositionResult> ParseAsync(PipeReader reader, ExpositionFormat format, IExpositionVisitor visitor, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(reader);
        Begin(format, visitor);
        while (true)
        {
            var read = await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
            var ok = true;
            foreach (var segment in read.Buffer)
            {
                if (!Feed(segment.Span))
                {
                    ok = false;
                    break;
                }
            }

            reader.AdvanceTo(read.Buffer.End);
            if (!ok || read.IsCompleted)
            {
                break;
            }
        }

        return Complete();
    }

    /// <summary>Parses a whole body held in memory.</summary>
    public ExpositionResult Parse(ReadOnlySpan<byte> body, ExpositionFormat format, IExpositionVisitor visitor)
    {
        Begin(format, visitor);
        Feed(body);
        return Complete();
    }

    /// <summary>Starts a body; any body in progress is abandoned.</summary>
    public void Begin(ExpositionFormat format, IExpositionVisitor visitor)
    {
        ArgumentNullException.ThrowIfNull(visitor);
        ReleaseCarry();
        _names.BeginScrape();
        _visitor = visitor;
        _openMetrics = format == ExpositionFormat.OpenMetrics;
        _active = true;
        _sawEof = false;
        _line = 0;
        _samples = 0;
        _bodyBytes = 0;
        _error = null;
        ResetFamily();
    }

    /// <summary>Parses the complete lines of the next chunk of the body.</summary>
    /// <returns>False once the body has been refused: stop reading and call <see cref="Complete"/>.</returns>
    public bool Feed(ReadOnlySpan<byte> chunk)
    {
        if (!_active)
        {
            throw new InvalidOperationException("Feed called without Begin.");
        }

        if (_error is not null)
        {
            return false;
        }

        try
        {
            FeedLines(chunk);
            return true;
        }
        catch (ExpositionException e)
        {
            _error = e.Error;
            ReleaseCarry();
            return false;
        }
    }

    /// <summary>Ends the body: parses its last line if it had no newline and checks the format's ending.</summary>
    public ExpositionResult Complete()
    {
        if (!_active)
        {
            throw new InvalidOperationException("Complete called without Begin.");
        }

        if (_error is null)
        {
            try
            {
                if (_carryLength > 0)
                {
                    ParseLine(_carry.AsSpan(0, _carryLength));
                }

                if (_openMetrics && !_sawEof)
                {
                    _line = 0;
                    Fail(ExpositionErrorKind.MissingEof, "OpenMetrics body does not end with \"# EOF\" (truncated?)");
                }
            }
            catch (ExpositionException e)
            {
                _error = e.Error;
            }
        }

        return Finish();
    }

    private ExpositionResult Abort(ExpositionError error)
    {
        _error ??= error;
        return Finish();
    }

    private ExpositionResult Finish()
    {
        ReleaseCarry();
        _active = false;
        _visitor = null;
        return new ExpositionResult(_samples, _bodyBytes, _error);
    }

    private void FeedLines(ReadOnlySpan<byte> chunk)
    {
        _bodyBytes += chunk.Length;
        if (_limits.BodySizeLimit > 0 && _bodyBytes > _limits.BodySizeLimit)
        {
            _line = 0;
            Fail(ExpositionErrorKind.BodySizeLimit, $"body_size_limit exceeded: the body is larger than {_limits.BodySizeLimit} bytes");
        }

        if (_carryLength > 0)
        {
            var newline = chunk.IndexOf((byte)'\n');
            if (newline < 0)
            {
                AppendCarry(chunk);
                return;
            }

            AppendCarry(chunk[..newline]);
            chunk = chunk[(newline + 1)..];
            var length = _carryLength;
            _carryLength = 0;
            ParseLine(_carry.AsSpan(0, length));
        }

        while (true)
        {
            var newline = chunk.IndexOf((byte)'\n');
            if (newline < 0)
            {
                break;
            }

            if (newline > _limits.MaxLineBytes)
            {
                FailLineTooLong();
            }

            ParseLine(chunk[..newline]);
            chunk = chunk[(newline + 1)..];
        }

        if (!chunk.IsEmpty)
        {
            AppendCarry(chunk);
        }
    }

    private void AppendCarry(ReadOnlySpan<byte> bytes)
    {
        var needed = _carryLength + bytes.Length;
        if (needed > _limits.MaxLineBytes)
        {
            FailLineTooLong();
        }

        if (_carry is null || _carry.Length < needed)
        {
            var grown = ArrayPool<byte>.Shared.Rent(Math.Max(needed, 4096));
            if (_carry is not null)
            {
                _carry.AsSpan(0, _carryLength).CopyTo(grown);
                ArrayPool<byte>.Shared.Return(_carry);
            }

            _carry = grown;
        }

        bytes.CopyTo(_carry.AsSpan(_carryLength));
        _carryLength = needed;
    }

    private void FailLineTooLong()
    {
        _line++;
        Fail(ExpositionErrorKind.LineTooLong, $"line is longer than {_limits.MaxLineBytes} bytes (not an exposition body?)");
    }

    private void ReleaseCarry()
    {
        if (_carry is not null)
        {
            ArrayPool<byte>.Shared.Return(_carry);
            _carry = null;
        }

        _carryLength = 0;
    }
}
