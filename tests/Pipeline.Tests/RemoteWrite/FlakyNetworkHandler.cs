namespace Pipeline.Tests.RemoteWrite;

/// <summary>An HTTP handler that fails the first <c>failures</c> requests as a refused connection would, then passes requests on.</summary>
internal sealed class FlakyNetworkHandler(int failures) : DelegatingHandler(new SocketsHttpHandler())
{
    private int _remaining = failures;

    public int Attempts { get; private set; }

    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        Attempts++;
        return Interlocked.Decrement(ref _remaining) >= 0
            ? Task.FromException<HttpResponseMessage>(new HttpRequestException("Connection refused (stand-in)"))
            : base.SendAsync(request, cancellationToken);
    }
}
