using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;

namespace Accounts.Queues.Hosting;

/// <summary>Runs each job in a DI scope of its own, so that handlers may use scoped services (stores, use cases).</summary>
internal sealed class ScopedJobHandler(IServiceScopeFactory scopes, Func<IServiceProvider, Job, CancellationToken, Task<JsonNode?>> handle) : IJobHandler
{
    public async Task<JsonNode?> HandleAsync(Job job, CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        return await handle(scope.ServiceProvider, job, cancellationToken);
    }
}
