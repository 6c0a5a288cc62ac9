import { lazy, useEffect, useState } from 'react';
import { BrowserRouter, Navigate, Route, Routes } from 'react-router';
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { isApiError, onUnauthorised } from './api/client.ts';
import { SESSION_KEY, homeFor, useSession } from './api/session.ts';
import { Layout } from './components/Layout.tsx';
import { RequireAuth } from './components/RequireAuth.tsx';
import { Loading } from './components/Loading.tsx';
import { SignInPage } from './pages/auth/SignInPage.tsx';
import { NotFoundPage } from './pages/public/NotFoundPage.tsx';

// Pages most people never open are split off, so the sign-in page loads fast.
const SignUpPage = lazy(() => import('./pages/auth/SignUpPage.tsx'));
const ForgotPasswordPage = lazy(() => import('./pages/auth/ForgotPasswordPage.tsx'));
const ResetPasswordPage = lazy(() => import('./pages/auth/ResetPasswordPage.tsx'));
const LinkAccountPage = lazy(() => import('./pages/auth/LinkAccountPage.tsx'));
const HandoffPage = lazy(() => import('./pages/auth/HandoffPage.tsx'));
const AccountHomePage = lazy(() => import('./pages/account/AccountHomePage.tsx'));
const SettingsPage = lazy(() => import('./pages/account/SettingsPage.tsx'));
const SecurityPage = lazy(() => import('./pages/account/SecurityPage.tsx'));
const OrdersPage = lazy(() => import('./pages/shop/OrdersPage.tsx'));
const WalletPage = lazy(() => import('./pages/shop/WalletPage.tsx'));
const DisputesPage = lazy(() => import('./pages/shop/ShopListPage.tsx').then((m) => ({ default: m.DisputesPage })));
const RefundsPage = lazy(() => import('./pages/shop/ShopListPage.tsx').then((m) => ({ default: m.RefundsPage })));
const SubscriptionsPage = lazy(() => import('./pages/shop/ShopListPage.tsx').then((m) => ({ default: m.SubscriptionsPage })));
const CancelWizardPage = lazy(() => import('./pages/cancel/CancelWizardPage.tsx'));
const CancelStatusPage = lazy(() => import('./pages/cancel/CancelStatusPage.tsx'));
const CertificatePage = lazy(() => import('./pages/public/CertificatePage.tsx'));
const ReviewQueuePage = lazy(() => import('./pages/review/ReviewQueuePage.tsx'));
const ReviewCasePage = lazy(() => import('./pages/review/ReviewCasePage.tsx'));
const AdminLayout = lazy(() => import('./pages/admin/AdminLayout.tsx'));
const SlaDashboardPage = lazy(() => import('./pages/admin/SlaDashboardPage.tsx'));
const ErasuresPage = lazy(() => import('./pages/admin/ErasuresPage.tsx'));
const AuditPage = lazy(() => import('./pages/admin/AuditPage.tsx'));
const DataMapPage = lazy(() => import('./pages/admin/DataMapPage.tsx'));
const WebhooksPage = lazy(() => import('./pages/admin/WebhooksPage.tsx'));
const GuidanceTemplatesPage = lazy(() => import('./pages/admin/GuidanceTemplatesPage.tsx'));
const DevToolsPage = lazy(() => import('./pages/dev/DevToolsPage.tsx'));
const MailboxPage = lazy(() => import('./pages/dev/MailboxPage.tsx'));

function makeQueryClient() {
  return new QueryClient({
    defaultOptions: {
      queries: {
        // Client errors (401, 403, 404…) will not change by asking again.
        retry: (count, error) => count < 2 && !(isApiError(error) && error.status >= 400 && error.status < 500),
        refetchOnWindowFocus: true,
        staleTime: 10_000,
      },
    },
  });
}

function Home() {
  const { data, isPending } = useSession();
  if (isPending) return <Loading />;
  return <Navigate to={data?.user ? homeFor(data.user) : '/sign-in'} replace />;
}

const guard = (node: React.ReactNode, role?: 'reviewer' | 'admin') => <RequireAuth role={role}>{node}</RequireAuth>;

export function App() {
  const [client] = useState(makeQueryClient);
  useEffect(
    () =>
      // The session ended on the server (expired, signed out elsewhere, account erased).
      onUnauthorised(() => client.setQueryData(SESSION_KEY, { user: null, csrfToken: null })),
    [client],
  );
  return (
    <QueryClientProvider client={client}>
      <BrowserRouter>
        <Routes>
          <Route element={<Layout />}>
            <Route index element={<Home />} />
            <Route path="sign-in" element={<SignInPage />} />
            <Route path="sign-up" element={<SignUpPage />} />
            <Route path="forgot-password" element={<ForgotPasswordPage />} />
            <Route path="reset-password" element={<ResetPasswordPage />} />
            <Route path="link-account" element={<LinkAccountPage />} />
            <Route path="handoff" element={<HandoffPage />} />
            <Route path="certificates/:id" element={<CertificatePage />} />
            <Route path="account" element={guard(<AccountHomePage />)} />
            <Route path="account/settings" element={guard(<SettingsPage />)} />
            <Route path="account/security" element={guard(<SecurityPage />)} />
            <Route path="account/orders" element={guard(<OrdersPage />)} />
            <Route path="account/wallet" element={guard(<WalletPage />)} />
            <Route path="account/disputes" element={guard(<DisputesPage />)} />
            <Route path="account/refunds" element={guard(<RefundsPage />)} />
            <Route path="account/subscriptions" element={guard(<SubscriptionsPage />)} />
            <Route path="account/cancel" element={guard(<CancelWizardPage />)} />
            <Route path="account/cancel/status" element={guard(<CancelStatusPage />)} />
            <Route path="review" element={guard(<ReviewQueuePage />, 'reviewer')} />
            <Route path="review/:id" element={guard(<ReviewCasePage />, 'reviewer')} />
            <Route path="admin" element={guard(<AdminLayout />, 'admin')}>
              <Route index element={<SlaDashboardPage />} />
              <Route path="erasures" element={<ErasuresPage />} />
              <Route path="audit" element={<AuditPage />} />
              <Route path="datamap" element={<DataMapPage />} />
              <Route path="webhooks" element={<WebhooksPage />} />
              <Route path="guidance" element={<GuidanceTemplatesPage />} />
            </Route>
            <Route path="dev" element={<DevToolsPage />} />
            <Route path="dev/mailbox" element={<MailboxPage />} />
            <Route path="*" element={<NotFoundPage />} />
          </Route>
        </Routes>
      </BrowserRouter>
    </QueryClientProvider>
  );
}
