using System.Buffers.Binary;
using System.IO.Compression;

namespace Pipeline.Grains.Scraping.Exposition;

/// <summary>
/// A gzip body that notices truncation. <see cref="GZipStream"/> simply ends at a cut body,
/// which would let a scrape cut at a line boundary pass as a smaller, valid one; this compares
/// the gzip trailer's size (ISIZE, the last 4 bytes) with the bytes inflated and throws
/// <see cref="InvalidDataException"/> when they differ. Single-member bodies only, which is
/// what HTTP servers send.
/// </summary>
internal sealed class GzipTruncationCheckStream : Stream
{
    private readonly TailRecordingStream _raw;
    private readonly GZipStream _gzip;
    private long _inflated;

    public GzipTruncationCheckStream(Stream raw)
    {
        _raw = new TailRecordingStream(raw);
        _gzip = new GZipStream(_raw, CompressionMode.Decompress, leaveOpen: false);
    }

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => throw new NotSupportedException();

    public override long Position
    {
        get => _inflated;
        set => throw new NotSupportedException();
    }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        var read = _gzip.Read(buffer);
        return Count(read, buffer.IsEmpty);
    }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        var read = await _gzip.ReadAsync(buffer, cancellationToken).ConfigureAwait(false);
        return Count(read, buffer.IsEmpty);
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _gzip.Dispose();
        }

        base.Dispose(disposing);
    }

    private int Count(int read, bool askedForNothing)
    {
        _inflated += read;
        if (read == 0 && !askedForNothing)
        {
            var trailerSize = _raw.TailLength >= 4 ? BinaryPrimitives.ReadUInt32LittleEndian(_raw.Tail) : uint.MaxValue;
            if (_raw.TailLength < 4 || trailerSize != (uint)_inflated)
            {
                throw new InvalidDataException($"the gzip body is truncated ({_inflated} bytes inflated, its trailer is missing or says otherwise)");
            }
        }

        return read;
    }

    /// <summary>Passes reads through and keeps the last 4 bytes read.</summary>
    private sealed class TailRecordingStream(Stream inner) : Stream
    {
        private readonly byte[] _tail = new byte[4];

        public int TailLength { get; private set; }

        public ReadOnlySpan<byte> Tail => _tail;

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position
        {
            get => throw new NotSupportedException();
            set => throw new NotSupportedException();
        }

        public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

        public override int Read(Span<byte> buffer)
        {
            var read = inner.Read(buffer);
            Remember(buffer[..read]);
            return read;
        }

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            var read = await inner.ReadAsync(buffer, cancellationToken).ConfigureAwait(false);
            Remember(buffer.Span[..read]);
            return read;
        }

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                inner.Dispose();
            }

            base.Dispose(disposing);
        }

        private void Remember(ReadOnlySpan<byte> read)
        {
            if (read.Length >= 4)
            {
                read[^4..].CopyTo(_tail);
                TailLength = 4;
                return;
            }

            // Shift the kept bytes left and append the few just read.
            var keep = Math.Min(TailLength, 4 - read.Length);
            _tail.AsSpan(TailLength - keep, keep).CopyTo(_tail);
            read.CopyTo(_tail.AsSpan(keep));
            TailLength = keep + read.Length;
        }
    }
}
