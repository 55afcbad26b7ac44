// Tells the server that the person is at work on this page (keys, clicks, typing, scrolling, touches), at most once a
// minute, so their session does not go idle under them. Live updates arriving on a page nobody touches are not
// activity, and send nothing from here (RechargePortal/Security/UserActivity.cs).
(() => {
    const interval = 60_000;
    const address = new URL("Account/Activity", document.baseURI);
    let last = -Infinity;

    const report = () => {
        const now = performance.now();
        if (now - last < interval) {
            return;
        }

        last = now;
        // A session that is over answers 401; the open page's revalidation takes the person to the login page.
        fetch(address, { method: "POST", credentials: "same-origin", redirect: "manual", keepalive: true }).catch(() => { last = -Infinity; });
    };

    for (const type of ["keydown", "pointerdown", "input", "wheel", "touchstart"]) {
        document.addEventListener(type, report, { capture: true, passive: true });
    }
})();
