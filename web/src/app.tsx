import type { ComponentChildren } from "preact";
import { lazy, Suspense } from "preact/compat";
import { useEffect, useState } from "preact/hooks";
import { ApiFailure, api, getKey, setKey } from "./api";
import { MeContext } from "./auth";
import { ErrorBox, Loading } from "./components/common";
import { navigate, onLinkClick, useLocation } from "./router";
import type { Me } from "./types";

const Explorer = lazy(() => import("./pages/explorer"));
const ChipPage = lazy(() => import("./pages/chip"));
const ClassifyPage = lazy(() => import("./pages/classify"));
const DecidePage = lazy(() => import("./pages/decide"));
const RecordPage = lazy(() => import("./pages/record"));
const ScreeningPage = lazy(() => import("./pages/screening"));
const AuditPage = lazy(() => import("./pages/audit"));
const RulesPage = lazy(() => import("./pages/rules"));
const FrontierPage = lazy(() => import("./pages/frontier"));
const SignInPage = lazy(() => import("./pages/signin"));

const nav = [
  { href: "/", label: "Chip explorer" },
  { href: "/classify", label: "Classify a chip" },
  { href: "/decide", label: "Decide" },
  { href: "/screening", label: "Screening" },
  { href: "/audit", label: "Audit" },
  { href: "/rules", label: "Rules timeline" },
  { href: "/frontier", label: "Frontier" },
];

function route(path: string) {
  const chip = /^\/chips\/([^/]+)$/.exec(path);
  if (chip) return <ChipPage id={decodeURIComponent(chip[1]!)} />;
  const record = /^\/decisions\/([^/]+)$/.exec(path);
  if (record) return <RecordPage id={decodeURIComponent(record[1]!)} />;
  switch (path) {
    case "/":
      return <Explorer />;
    case "/classify":
      return <ClassifyPage />;
    case "/decide":
      return <DecidePage />;
    case "/screening":
      return <ScreeningPage />;
    case "/audit":
      return <AuditPage />;
    case "/rules":
      return <RulesPage />;
    case "/frontier":
      return <FrontierPage />;
    case "/sign-in":
      return null;
    default:
      return (
        <section>
          <h1>Page not found</h1>
          <p>
            There is no page at <code>{path}</code>. <a href="/">Go to the chip explorer</a>.
          </p>
        </section>
      );
  }
}

export function App() {
  const { path } = useLocation();
  const [me, setMe] = useState<Me | null>(null);
  const [meError, setMeError] = useState<unknown>(null);
  const [checking, setChecking] = useState(true);
  const [menuOpen, setMenuOpen] = useState(false);

  const refreshMe = async () => {
    setChecking(true);
    try {
      setMe(await api<Me>("/v1/me"));
      setMeError(null);
    } catch (error) {
      setMe(null);
      setMeError(error);
    } finally {
      setChecking(false);
    }
  };
  useEffect(() => {
    void refreshMe();
  }, []);
  useEffect(() => setMenuOpen(false), [path]);

  const needsKey = meError instanceof ApiFailure && meError.code === "UNAUTHORIZED";
  const signOut = () => {
    setKey(null);
    void refreshMe();
    navigate("/sign-in");
  };

  let main: ComponentChildren;
  if (path === "/sign-in" || needsKey) {
    main = (
      <SignInPage
        me={me}
        rejected={needsKey && getKey() !== null}
        onSignedIn={async () => {
          await refreshMe();
          if (path === "/sign-in") navigate("/");
        }}
      />
    );
  } else if (checking && !me) {
    main = <Loading what="your session" />;
  } else if (!me) {
    main = <ErrorBox error={meError} title="Cannot reach the server" />;
  } else {
    main = route(path);
  }

  return (
    <MeContext.Provider value={me}>
      {/* biome-ignore lint/a11y/noStaticElementInteractions: delegates clicks on the links inside */}
      {/* biome-ignore lint/a11y/useKeyWithClickEvents: links keep their own keyboard behavior */}
      <div class="shell" onClick={onLinkClick}>
        <a class="skip" href="#main">
          Skip to content
        </a>
        <header class="top">
          <a class="brand" href="/" aria-label="ChipGate home">
            <span aria-hidden="true">▣</span> ChipGate
          </a>
          <button
            type="button"
            class="menu-button"
            aria-expanded={menuOpen}
            aria-controls="main-nav"
            onClick={() => setMenuOpen(!menuOpen)}
          >
            Menu
          </button>
          <nav id="main-nav" class={menuOpen ? "open" : ""} aria-label="Main">
            {nav.map((n) => {
              const current =
                n.href === "/" ? path === "/" || path.startsWith("/chips/") : path.startsWith(n.href);
              return (
                <a key={n.href} href={n.href} aria-current={current ? "page" : undefined}>
                  {n.label}
                </a>
              );
            })}
          </nav>
          <div class="who">
            {me && (
              <span
                class={`role role-${me.role}`}
                title={me.keyId ? `Key ${me.keyId}` : "No API key needed on this server"}
              >
                {me.keyId ? `${me.role} · key ${me.keyId}` : `${me.role} · local mode`}
              </span>
            )}
            {getKey() ? (
              <button type="button" class="link" onClick={signOut}>
                Sign out
              </button>
            ) : (
              <a href="/sign-in">Sign in</a>
            )}
          </div>
        </header>
        <main id="main">
          <Suspense fallback={<Loading what="the page" />}>{main}</Suspense>
        </main>
        <footer class="foot">
          ChipGate is a decision-support tool, not legal advice. Verify against the current EAR before relying
          on an answer. · <a href="/docs">HTTP API</a>
        </footer>
      </div>
    </MeContext.Provider>
  );
}
