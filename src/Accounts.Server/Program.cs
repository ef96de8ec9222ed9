using Accounts.Delivery.Twilio;
using Accounts.Server.Health;
using Accounts.Server.Hosting;
using Accounts.Server.Jobs;
using Accounts.Server.Notifications;
using Accounts.Server.PasswordResets;
using Accounts.Server.Sessions;
using Accounts.Server.Tokens;
using Accounts.Server.Users;
using Accounts.Server.Verifications;

var builder = WebApplication.CreateBuilder(args);
builder.AddAccounts();

var app = builder.Build();
if (await AccountsCommands.TryRunAsync(app, args) is { } exitCode)
{
    return exitCode;
}

app.UseAccountsHttp();

app.MapHealthApi();
app.MapVerificationsApi();
app.MapUsersApi();
app.MapSessionsApi();
app.MapPasswordResetsApi();
app.MapTokensApi();
app.MapJobsApi();
app.MapTwilioStatusCallback();
app.MapNotificationsApi();
app.MapOpenApi();

await app.RunAsync();
return 0;

public partial class Program;
