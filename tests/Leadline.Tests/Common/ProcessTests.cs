using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json;
using Leadline.Tests.TestInfrastructure;

namespace Leadline.Tests.Common;

/// <summary>The real binary, started as a process: what an operator sees at the command line.</summary>
public sealed class ProcessTests
{
    private static async Task<(int ExitCode, string Output)> RunAsync(IDictionary<string, string> environment, params string[] args)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = Directory.CreateTempSubdirectory("leadline-proc-").FullName,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        start.ArgumentList.Add(typeof(Program).Assembly.Location);
        foreach (var arg in args)
            start.ArgumentList.Add(arg);
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        foreach (var (key, value) in environment)
            start.Environment[key] = value;
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, await stdout + await stderr);
    }

    [Fact]
    public async Task Start_with_unreachable_database_exits_with_a_clear_message_and_no_password()
    {
        var (exitCode, output) = await RunAsync(new Dictionary<string, string>
        {
            ["Leadline__Database__Provider"] = "Postgres",
            ["ConnectionStrings__Leadline"] = "Host=127.0.0.1;Port=1;Username=leadline;Password=Sup3rSecretPw;Database=crm;Timeout=3",
        }, "--urls", "http://127.0.0.1:0");

        Assert.Equal(1, exitCode);
        Assert.Contains("Leadline cannot start on PostgreSQL 127.0.0.1:1/crm", output, StringComparison.Ordinal);
        Assert.DoesNotContain("Sup3rSecretPw", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Create_workspace_command_makes_a_workspace_whose_admin_can_sign_in()
    {
        await using var database = await TestDatabase.CreateAsync(Db.Sqlite);
        var env = new Dictionary<string, string> { ["ConnectionStrings__Leadline"] = database.ConnectionString };

        var (exitCode, output) = await RunAsync(env, "create-workspace", "--name", "Acme Sales", "--time-zone", "Europe/Berlin",
            "--country", "DE", "--admin-email", "cli-admin@example.com", "--admin-password", TestWorkspace.Password);
        var (badExit, badOutput) = await RunAsync(env, "create-workspace", "--name", "Bad", "--time-zone", "Nowhere/Land",
            "--admin-email", "nope", "--admin-password", "x");

        Assert.True(exitCode == 0, output);
        Assert.Contains("Created workspace", output, StringComparison.Ordinal);
        Assert.Equal(2, badExit);
        Assert.Contains("time zone", badOutput, StringComparison.OrdinalIgnoreCase);
        await using var app = new LeadlineApp(database);
        using var client = await TestWorkspace.ClientForAsync(app, "cli-admin@example.com", TestWorkspace.Password);
        var me = await client.GetFromJsonAsync<JsonElement>("/api/v1/me");
        Assert.Equal("Acme Sales", me.GetProperty("workspaceName").GetString());
    }
}
