import { Module } from '@nestjs/common';
import { DepartmentsController } from './managing-departments/departments.js';
import { TeamsController } from './managing-teams/teams.js';
import { TeamMembersController } from './team-members/team-members.js';
import { StructureController } from './viewing-structure/structure.js';

/** Departments, teams and their members (issue 16). Writes go to the organization's stream through StreamCommandHandler. */
@Module({ controllers: [StructureController, DepartmentsController, TeamsController, TeamMembersController] })
export class StructureModule {}
