using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using RechargePortal.Features.Users;
using RechargePortal.Security;
using RechargePortal.Tests.TestSupport;

namespace RechargePortal.Tests.Browser;

[Collection(BrowserCollection.Name)]
public sealed class SignInBrowserTests(BrowserFixture browser)
{
    private static Task SignInAsync(IPage page, string email, string password) => BrowserFixture.SignInAsync(page, email, password);

    private static Task WaitForInteractiveAsync(IPage page) => BrowserFixture.WaitForInteractiveAsync(page);

    [SkippableFact]
    public async Task The_seeded_admin_signs_in_through_the_login_page_and_reaches_the_admin_dashboard()
    {
        var page = await browser.NewPageAsync();

        await SignInAsync(page, PortalAppFactory.AdminEmail, PortalAppFactory.AdminPassword);

        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Admin dashboard" })).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByTestId("current-user")).ToContainTextAsync(Roles.Admin);
        await Assertions.Expect(page.GetByRole(AriaRole.Link, new() { Name = "Users", Exact = true })).ToBeVisibleAsync();
    }

    [SkippableFact]
    public async Task A_wrong_password_shows_a_message_on_the_login_page()
    {
        var page = await browser.NewPageAsync(360, 740);

        await SignInAsync(page, PortalAppFactory.AdminEmail, "Wrong-Password-000");

        await Assertions.Expect(page.GetByText("Wrong email or password")).ToBeVisibleAsync();
        Assert.Contains("/Account/Login", page.Url);
    }

    [SkippableFact]
    public async Task The_admin_creates_a_reseller_in_the_form_who_then_signs_in_and_a_taken_email_is_refused_beside_the_field()
    {
        var email = $"shop-{Guid.NewGuid():N}@test.local";
        var admin = await browser.NewPageAsync();
        await SignInAsync(admin, PortalAppFactory.AdminEmail, PortalAppFactory.AdminPassword);
        await WaitForInteractiveAsync(admin);
        await admin.GetByRole(AriaRole.Link, new() { Name = "Users", Exact = true }).ClickAsync();
        await Assertions.Expect(admin.GetByRole(AriaRole.Heading, new() { Name = "Users" })).ToBeVisibleAsync();

        await FillNewUserAsync(admin, email);
        await admin.GetByRole(AriaRole.Button, new() { Name = "Create" }).ClickAsync();
        await Assertions.Expect(admin.GetByRole(AriaRole.Cell, new() { Name = email, Exact = true })).ToBeVisibleAsync();

        await FillNewUserAsync(admin, email);
        await admin.GetByRole(AriaRole.Button, new() { Name = "Create" }).ClickAsync();
        var dialog = admin.GetByRole(AriaRole.Dialog);
        await Assertions.Expect(dialog.GetByText("An account with this email already exists.")).ToBeVisibleAsync();

        var reseller = await browser.NewPageAsync(360, 740);
        await SignInAsync(reseller, email, PortalAppFactory.UserPassword);
        // The admin knows that password: the reseller replaces it before anything else opens.
        await Assertions.Expect(reseller.GetByTestId("password-change-required")).ToBeVisibleAsync();
        await reseller.GetByLabel("Current password").FillAsync(PortalAppFactory.UserPassword);
        await reseller.GetByLabel("New password", new() { Exact = true }).FillAsync("only my shop knows this one");
        await reseller.GetByLabel("Confirm new password").FillAsync("only my shop knows this one");
        await reseller.GetByRole(AriaRole.Button, new() { Name = "Change password" }).ClickAsync();
        await Assertions.Expect(reseller.GetByRole(AriaRole.Heading, new() { Name = "Reseller dashboard" })).ToBeVisibleAsync();
    }

    [SkippableFact]
    public async Task Locking_a_user_ends_their_open_page_within_seconds()
    {
        var email = await browser.App.CreateUserAsync(Roles.Reseller);
        var page = await browser.NewPageAsync();
        await SignInAsync(page, email, PortalAppFactory.UserPassword);
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Reseller dashboard" })).ToBeVisibleAsync();
        await WaitForInteractiveAsync(page);

        var users = browser.App.Services.GetRequiredService<UserAdminService>();
        var locked = await users.LockAsync(await browser.App.AdminActorAsync(), (await browser.App.FindUserAsync(email)).Id);
        Assert.True(locked.Succeeded, locked.Problem);

        await page.WaitForURLAsync("**/Account/Login**", new() { Timeout = 30_000 });
        await Assertions.Expect(page.GetByRole(AriaRole.Button, new() { Name = "Log in" })).ToBeVisibleAsync();
    }

    private static async Task FillNewUserAsync(IPage page, string email)
    {
        await page.GetByRole(AriaRole.Button, new() { Name = "New user" }).ClickAsync();
        var dialog = page.GetByRole(AriaRole.Dialog);
        await dialog.GetByLabel("Email").FillAsync(email);
        await dialog.GetByLabel("Full name").FillAsync("Karim Telecom");
        await dialog.Locator(".mud-select").First.ClickAsync();
        await page.GetByRole(AriaRole.Option, new() { Name = Roles.Reseller }).ClickAsync();
        // The list closes in a render of its own: typing into the password box during it can be lost.
        await Assertions.Expect(page.GetByRole(AriaRole.Option, new() { Name = Roles.Reseller })).ToBeHiddenAsync();
        var password = dialog.GetByLabel("Password", new() { Exact = true });
        await password.FillAsync(PortalAppFactory.UserPassword);
        await password.PressAsync("Tab");
    }
}
