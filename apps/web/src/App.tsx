import { Route, Routes } from 'react-router';
import { Layout } from './components/Layout';
import { AdminSettingsPage } from './pages/AdminSettingsPage';
import { AskPage } from './pages/AskPage';
import { BookmarksPage } from './pages/BookmarksPage';
import { EditQuestionPage } from './pages/EditQuestionPage';
import { FeedPage } from './pages/FeedPage';
import { HomePage } from './pages/HomePage';
import { ModerationPage } from './pages/ModerationPage';
import { NotFoundPage } from './pages/NotFoundPage';
import { NotificationSettingsPage } from './pages/NotificationSettingsPage';
import { NotificationsPage } from './pages/NotificationsPage';
import { OAuthErrorPage } from './pages/OAuthErrorPage';
import { QuestionPage } from './pages/QuestionPage';
import { ReplyThreadPage } from './pages/ReplyThreadPage';
import { ResetPasswordPage } from './pages/ResetPasswordPage';
import { ReviewPage } from './pages/ReviewPage';
import { SignInPage } from './pages/SignInPage';
import { SignUpPage } from './pages/SignUpPage';
import { UnsubscribePage } from './pages/UnsubscribePage';
import { UserPage } from './pages/UserPage';
import { VerifyEmailPage } from './pages/VerifyEmailPage';

/** Every page of the web app, inside the shared layout. */
export function App() {
  return (
    <Routes>
      <Route element={<Layout />}>
        <Route index element={<HomePage />} />
        <Route path="ask" element={<AskPage />} />
        <Route path="questions/:id" element={<QuestionPage />} />
        <Route path="questions/:id/edit" element={<EditQuestionPage />} />
        <Route path="questions/:id/suggest-edit" element={<EditQuestionPage suggest />} />
        <Route path="questions/:id/replies/:replyId" element={<ReplyThreadPage />} />
        <Route path="questions/:id/answers/:answerId/replies/:replyId" element={<ReplyThreadPage />} />
        <Route path="users/:username" element={<UserPage />} />
        <Route path="feed" element={<FeedPage />} />
        <Route path="notifications" element={<NotificationsPage />} />
        <Route path="bookmarks" element={<BookmarksPage />} />
        <Route path="settings/notifications" element={<NotificationSettingsPage />} />
        <Route path="unsubscribe" element={<UnsubscribePage />} />
        <Route path="signin" element={<SignInPage />} />
        <Route path="signup" element={<SignUpPage />} />
        <Route path="verify-email" element={<VerifyEmailPage />} />
        <Route path="reset-password" element={<ResetPasswordPage />} />
        <Route path="moderation" element={<ModerationPage />} />
        <Route path="review" element={<ReviewPage />} />
        <Route path="admin/settings" element={<AdminSettingsPage />} />
        <Route path="auth/error" element={<OAuthErrorPage />} />
        <Route path="*" element={<NotFoundPage />} />
      </Route>
    </Routes>
  );
}
