using System.Net;
using Bunit;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor;
using MudBlazor.Services;
using RechargePortal.Features.Users;
using RechargePortal.Features.Users.Pages;
using RechargePortal.Security;
using RechargePortal.Tests.TestSupport;

namespace RechargePortal.Tests.Security;

/// <summary>Passwords: 12 to 128 characters of anything, except the 10,000 most common (ASVS 2.1).</summary>
public sealed class PasswordPolicyTests(PortalAppFactory app) : IClassFixture<PortalAppFactory>, IAsyncLifetime
{
    private const string Passphrase = "mango river tuesday lantern";
    private static readonly string TooLong = string.Concat(Enumerable.Repeat("plum harbour ", 10)).TrimEnd()[..129];
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(10);

    // Held, not inherited: MudBlazor's services only dispose asynchronously.
    private readonly BunitContext ctx = new();

    private UserAdminService Users => app.Services.GetRequiredService<UserAdminService>();

    public Task InitializeAsync()
    {
        ctx.JSInterop.Mode = JSRuntimeMode.Loose;
        ctx.Services.AddMudServices();
        ctx.Services.AddLocalization();
        ctx.Services.AddSingleton(Users);
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await ctx.DisposeAsync();

    [Fact]
    public void The_shipped_list_holds_ten_thousand_passwords_compared_in_lower_case()
    {
        Assert.Equal(10_000, PasswordPolicyValidator.CommonCount);
        Assert.True(PasswordPolicyValidator.IsCommon("password1234"));
        Assert.True(PasswordPolicyValidator.IsCommon("PassWord1234"));
        Assert.True(PasswordPolicyValidator.IsCommon("QWERTYUIOP123"));
        Assert.False(PasswordPolicyValidator.IsCommon(Passphrase));
        Assert.False(PasswordPolicyValidator.IsCommon(PortalAppFactory.UserPassword));
        Assert.False(PasswordPolicyValidator.IsCommon(PortalAppFactory.AdminPassword));
        Assert.False(PasswordPolicyValidator.IsCommon("Demo-Reseller-1234"));
    }

    [Fact]
    public async Task A_long_all_lower_case_passphrase_is_accepted_and_signs_in()
    {
        var email = $"passphrase-{Guid.NewGuid():N}@test.local";

        var created = await Users.CreateAsync(await app.AdminActorAsync(), Form(email, Passphrase));

        Assert.True(created.Succeeded, created.Problem);
        var client = await app.SignedInClientAsync(email, Passphrase);
        // Signed in: the first page is the change of the admin-set password.
        Assert.Equal(PasswordChangeRequirement.ChangePath, (await client.GetAsync("/")).Headers.Location?.OriginalString);
    }

    [Fact]
    public async Task Exactly_128_characters_are_accepted()
    {
        var created = await Users.CreateAsync(await app.AdminActorAsync(), Form($"long-{Guid.NewGuid():N}@test.local", TooLong[..128]));

        Assert.True(created.Succeeded, created.Problem);
    }

    [Theory]
    [InlineData("password1234")]
    [InlineData("Password1234")]
    [InlineData("qwertyuiop123")]
    [InlineData("bangladesh123456789")]
    public async Task A_common_password_is_refused_with_the_reason_on_the_password_field(string password)
    {
        var refused = await Users.CreateAsync(await app.AdminActorAsync(), Form($"common-{Guid.NewGuid():N}@test.local", password));

        Assert.False(refused.Succeeded);
        Assert.Equal(PasswordPolicyValidator.TooCommonMessage, refused.ErrorFor(nameof(NewUserForm.Password)));
    }

    [Fact]
    public async Task A_password_of_129_characters_is_refused_with_the_reason_on_the_password_field()
    {
        var refused = await Users.CreateAsync(await app.AdminActorAsync(), Form($"toolong-{Guid.NewGuid():N}@test.local", TooLong));

        Assert.False(refused.Succeeded);
        Assert.Equal(PasswordPolicyValidator.TooLongMessage, refused.ErrorFor(nameof(NewUserForm.Password)));
    }

    [Theory]
    [InlineData("password1234", "most common passwords")]
    [InlineData(null, "at most 128 characters")]
    public async Task The_new_user_dialog_shows_the_refusal_beside_the_password_field(string? password, string expected)
    {
        var admin = await app.AdminActorAsync();
        var dialogs = ctx.Render<MudDialogProvider>();
        var service = ctx.Services.GetRequiredService<IDialogService>();
        await dialogs.InvokeAsync(() => service.ShowAsync<NewUserDialog>("New user",
            new DialogParameters<NewUserDialog> { { d => d.Actor, admin } }));

        Field(dialogs, "Email").QuerySelector("input")!.Change($"dialog-{Guid.NewGuid():N}@test.local");
        Field(dialogs, "Full name").QuerySelector("input")!.Change("Karim Telecom");
        Field(dialogs, "Password").QuerySelector("input")!.Change(password ?? TooLong);
        await dialogs.FindAll("button").Single(b => b.TextContent.Trim() == "Create").ClickAsync(new());

        dialogs.WaitForAssertion(() => Assert.Contains(expected, Field(dialogs, "Password").TextContent), Wait);
        Assert.Contains("mud-input-error", Field(dialogs, "Password").InnerHtml);
        Assert.DoesNotContain(expected, Field(dialogs, "Email").TextContent);
    }

    [Theory]
    [InlineData("password1234", "most common passwords")]
    [InlineData(null, "12 to 128 characters")]
    public async Task The_change_password_page_shows_the_refusal_beside_the_new_password_field(string? password, string expected)
    {
        var email = await app.CreateUserAsync(Roles.Reseller);
        var client = await app.SignedInClientAsync(email, PortalAppFactory.UserPassword);

        var response = await AccountForms.PostChangePasswordAsync(client, PortalAppFactory.UserPassword, password ?? TooLong);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var html = await response.Content.ReadAsStringAsync();
        Assert.Contains(expected, AccountForms.FieldText(html, "Input.NewPassword"));
        Assert.DoesNotContain(expected, AccountForms.FieldText(html, "Input.OldPassword"));
        Assert.DoesNotContain("has been changed", html);
        Assert.DoesNotContain(PortalAppFactory.UserPassword, html); // never sent back in the page
        Assert.DoesNotContain(password ?? TooLong, html);
        await app.SignedInClientAsync(email, PortalAppFactory.UserPassword); // unchanged
    }

    [Fact]
    public async Task The_change_password_page_takes_a_passphrase()
    {
        var email = await app.CreateUserAsync(Roles.Reseller);
        var client = await app.SignedInClientAsync(email, PortalAppFactory.UserPassword);

        var response = await AccountForms.PostChangePasswordAsync(client, PortalAppFactory.UserPassword, Passphrase);

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Contains("has been changed", await client.GetStringAsync(response.Headers.Location!));
        await app.SignedInClientAsync(email, Passphrase);
    }

    private static NewUserForm Form(string email, string password) =>
        new() { Email = email, FullName = "Test reseller", Role = Roles.Reseller, Password = password };

    private static AngleSharp.Dom.IElement Field(IRenderedComponent<MudDialogProvider> dialogs, string label) =>
        dialogs.FindAll(".mud-input-control").Single(c => c.QuerySelector("label")?.TextContent.Trim() == label);
}
