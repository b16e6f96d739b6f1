using Pipeline.Tests.Support;
using Xunit;

namespace Pipeline.Tests.Elasticsearch;

/// <summary>A fresh Elasticsearch stand-in per test, and a raw HTTP client of it, for the tests of the stand-in itself.</summary>
public abstract class ElasticsearchStandInTestBase : IAsyncLifetime
{
    protected ElasticsearchStandIn Es { get; private set; } = null!;

    private protected ElasticsearchStandInHttp Http { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Es = await ElasticsearchStandIn.StartAsync();
        Http = new ElasticsearchStandInHttp(Es);
    }

    public async Task DisposeAsync()
    {
        Http.Dispose();
        await Es.DisposeAsync();
    }
}
