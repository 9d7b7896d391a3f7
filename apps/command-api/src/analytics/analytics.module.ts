import { Module } from '@nestjs/common';
import { CloseLearningDaysJob } from './closing-days/close-learning-days.job.js';
import { DashboardController } from './dashboard/dashboard.js';
import { MemberProgressController } from './member-progress/member-progress.js';
import { TeamReportsController } from './team-reports/team-reports.js';
import { ProgressReportController } from './progress-report/progress-report.js';
import { FactFeedController } from './fact-feed/fact-feed.js';
import { Pseudonyms } from './pseudonyms.js';

/** The reports analysts and admins query (issue 19), and the job that closes each organization's days. */
@Module({ controllers: [DashboardController, MemberProgressController, TeamReportsController, ProgressReportController, FactFeedController], providers: [CloseLearningDaysJob, Pseudonyms] })
export class AnalyticsModule {}
